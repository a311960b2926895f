# Shared by the cluster benchmarks (sourced, not run): node configuration and readiness.

# Writes n$1.json in the current directory: node $1 (0-9) on 127.0.0.1, text port 1610$1, HTTPS
# 1644$1, management 1808$1, certificates under $2. Pacing and per-address limits are raised: a
# benchmark sends faster than a person, from one address. The connection caps stay within the
# descriptor budget a node checks at start (16 sessions a generator need far fewer).
write_node_conf() {
  cat > "n$1.json" <<JSON
{"node": {"host": "127.0.0.1", "tlsPort": 1610$1, "httpPort": 1644$1, "compatPort": -1, "managementPort": 1808$1},
 "tls": {"certsDirectory": "$2"},
 "text": {"maxCommandsPerSecond": 1000000, "commandBurst": 100000, "maxConnections": 10000, "maxConnectionsPerAddress": 10000},
 "session": {"openingDeposit": "stated", "registrationsPerMinute": 1000000}}
JSON
}

# Waits up to 120 s for a server's log ($1) to say ready; exits the script if it does not.
await_ready() {
  for _ in $(seq 120); do grep -q '^ready' "$1" && return 0; sleep 1; done
  echo "no ready in $1"; exit 1
}
