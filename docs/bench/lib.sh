# Shared by the cluster benchmarks (sourced, not run): node configuration and readiness.

# Writes n$1.json in the current directory: node $1 (0-9) on 127.0.0.1, text port 1610$1, HTTPS
# 1644$1, management 1808$1, certificates under $2. Pacing and per-address limits are raised: a
# benchmark sends faster than a person, from one address. The connection caps stay within the
# descriptor budget a node checks at start (16 sessions a generator need far fewer).
# NODE_CONF_EXTRA adds sections, e.g. NODE_CONF_EXTRA='"cluster": {"maxEntriesInFlight": 2}'.
write_node_conf() {
  cat > "n$1.json" <<JSON
{"node": {"host": "127.0.0.1", "tlsPort": 1610$1, "httpPort": 1644$1, "compatPort": -1, "managementPort": 1808$1},
 "tls": {"certsDirectory": "$2"},
 "text": {"maxCommandsPerSecond": 1000000, "commandBurst": 100000, "maxConnections": 10000, "maxConnectionsPerAddress": 10000},
 "session": {"openingDeposit": "stated", "registrationsPerMinute": 1000000}${NODE_CONF_EXTRA:+,
 $NODE_CONF_EXTRA}}
JSON
}

# Waits up to 120 s for a server's log ($1) to say ready; exits the script if it does not.
await_ready() {
  for _ in $(seq 120); do grep -q '^ready' "$1" && return 0; sleep 1; done
  echo "no ready in $1"; exit 1
}

# CPU time (user + system) of the given processes so far, in microseconds: utime and stime from
# /proc/<pid>/stat (clock ticks of 1/CLK_TCK s; fields 14 and 15, counted after the command name,
# which may hold spaces), summed over the pids. A process that is gone counts 0.
TICK_US=$((1000000 / $(getconf CLK_TCK)))
cpu_us() {
  local total=0 p f a
  for p in "$@"; do
    f=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null) || continue
    read -ra a <<< "$f"
    total=$((total + (a[11] + a[12]) * TICK_US))
  done
  echo "$total"
}

# "transfers batches" of the ledger, from a node's management /health ($1), or nothing
# (the ledger's status is answered by the leader in a cluster); $2: timeout in s, default 10.
ledger_counts() {
  curl -s -m "${2:-10}" "$1" 2>/dev/null \
    | jq -r '.checks[]? | select(.id == "ledger") | .data | "\(.transfers) \(.nextBatchSequence)"' \
      2>/dev/null | grep -E '^[0-9]+ [0-9]+$' || true
}

# Waits up to 600 s until every generator output file given has printed that its commands are
# prepared: its timed run starts right after (it reads the node's status first). Exits the script
# if a generator whose pid is in GENS has ended meanwhile (its setup failed: its output says why).
await_prepared() {
  local f p ready
  for _ in $(seq 6000); do
    ready=1
    for f in "$@"; do grep -q 'commands prepared' "$f" 2>/dev/null || ready=0; done
    [ "$ready" = 1 ] && return 0
    for p in "${GENS[@]}"; do
      kill -0 "$p" 2>/dev/null \
        || { echo "a generator ended before its run:"; tail -n 3 "$@"; exit 1; }
    done
    sleep 0.1
  done
  echo "a generator never started its run: $*"; exit 1
}
