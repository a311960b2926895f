#!/bin/bash
# CPU time of the server processes per durable PAY, measured from outside (docs/benchmarks.md,
# "One ledger service (issue 22)"), next to PAY/s, in one run on one machine:
#   single    a single node, its generator beside it (both unpinned)
#   pinned    a single node pinned to core 0 (taskset -c 0), its generator to core 1
#   cluster   three members on 127.0.0.1, a generator on each member
#   leader    the same cluster, one generator on the leader's member only
#   takeover  the same cluster, a generator on a follower's member; SIGKILL of the leader; the
#             time until the ledger counts a transfer committed by the new leader
# Every generator is a bench-client with 16 key-bound sessions pipelining PAY, window 64. It runs
# WARMUP + seconds + MARGIN s in one go (one setup); the script measures a window of `seconds`
# after WARMUP s of its run: at both ends it reads every server's CPU time (utime + stime from
# /proc/<pid>/stat, clock ticks -> us) and the ledger's counters (GET /health on a management
# port; in a cluster the leader answers it). Per window it prints PAY/s (transfers the ledger
# made durable in the window / its length), us of server CPU per PAY (all members together in a
# cluster, then each member in order 0 1 2), the generators' CPU per PAY, transfers per batch,
# the load average at its end and vmstat averaged over it; then the cluster's and leader-only
# run's ratios to the single node. The ledger's count includes PAYs a generator gave up on
# (answered TRANS FAIL UNKNOWN, committed later): none on an idle machine, see <label>.out.
# A generator's own report (<label>*.out) covers its whole run, warm-up included.
# Results are appended to <work dir>/results.txt. Run from the checkout after
# `mvn -o -q -DskipTests package`; every process it starts is on 127.0.0.1 and killed at exit.
# JFR=1 records a flight recording (settings=profile) of every server JVM into
# <work dir>/<label>.jfr (single.jfr, pinned.jfr, c0.jfr c1.jfr c2.jfr for the members), for
# docs/bench/JfrSummary.java; it costs the servers a few percent of CPU, so compare figures taken
# with JFR only to figures taken with JFR.
# PERF=1 records each server with `perf record -g` (199 Hz) over the window into
# <work dir>/<label>-<member>.perf, the JVMs started with frame pointers and writing
# /tmp/perf-<pid>.map at exit (for Java frames): `perf report -i <file> --sort comm,dso`.
# Every window also prints the servers' CPU per PAY by group of threads (/proc/<pid>/task),
# with the JIT compilers apart: a short run's figure carries their warm-up.
# SERVER_JAVA_OPTS adds options to every server JVM; SESSIONS sets the sessions of a generator
# (default 16, each with 64 PAYs in flight at most).
# Usage: [WARMUP=s] [MARGIN=s] [PARTS="single pinned cluster leader takeover"] [JFR=1] [JAR=path]
#        [PERF=1] [SESSIONS=n] [SERVER_JAVA_OPTS=...]
#        [SINGLE_PAYMENTS=n] [CLUSTER_PAYMENTS=n] bash docs/bench/cpu-per-pay.sh [seconds] [work dir]
set -euo pipefail
SECONDS_RUN=${1:-20}
WARMUP=${WARMUP:-20}
PARTS=${PARTS:-single pinned cluster leader takeover}
W=${2:-/tmp/paywire-bench-cpu}
J=$W/paywire.jar
# The code measured: the last commit that changed src/ or pom.xml, "+changes" if the tree differs.
REV=$(git log -1 --format=%h -- src pom.xml)$(git diff --quiet HEAD -- src pom.xml || echo "+changes")
HEAD_REV=$(git rev-parse --short HEAD)
# JAR=path measures another build (e.g. a copy of the jar before a change), same script.
JAR=${JAR:-target/paywire.jar}
[ "$JAR" = target/paywire.jar ] || REV="jar $JAR"
rm -rf "$W"; mkdir -p "$W"; cp "$JAR" "$W/paywire.jar.tmp"; mv "$W/paywire.jar.tmp" "$J"
CONF=$(pwd)/conf/cluster.xml
source docs/bench/lib.sh
cd "$W"
for i in 0 1 2; do write_node_conf $i "$W/certs"; done
PIDS=()   # everything started here, killed on exit
trap 'kill -9 "${PIDS[@]}" 2>/dev/null || true' EXIT
trap 'exit 1' INT TERM
# Commands are prepared up front in the generator's heap (about 1 GB per 12 million): enough for
# warm-up + window + margin at the single node's rate, and at a member's share in the cluster.
SINGLE_PAYMENTS=${SINGLE_PAYMENTS:-8000000}
CLUSTER_PAYMENTS=${CLUSTER_PAYMENTS:-3000000}
MARGIN=${MARGIN:-15}   # seconds each generator runs past the window (status reads can be slow)
RUN_SECONDS=$((WARMUP + SECONDS_RUN + MARGIN))
log() { echo "$*" | tee -a results.txt; }
log "== $(date -u +%FT%TZ) code of $REV (HEAD $HEAD_REV)," \
  "window ${SECONDS_RUN} s after ${WARMUP} s of load," \
  "$(nproc) cores, CLK_TCK $(getconf CLK_TCK); load before: $(uptime | sed 's/.*load/load/')"

# Starts a generator in the background: $1 output file, $2 port, $3 payments, $4 taskset
# prefix or empty. Its pid joins GENS and PIDS. The node's certificate is pinned from FP_LOG.
start_generator() {
  local fp; fp=$(grep '^tls-fingerprint' "$FP_LOG" | cut -d' ' -f3)
  $4 java -jar "$J" bench-client --server-fingerprint "$fp" --sessions "${SESSIONS:-16}" \
    --window 64 --setup-concurrency 8 --payments "$3" --port "$2" --seconds "${RUN_SECONDS}" \
    --status-url none > "$1" 2>&1 &
  GENS+=($!); PIDS+=($!)
}

# CPU so far, in us, of each pid given, space-separated (one read of each /proc/<pid>/stat).
cpu_each() { local p; for p in "$@"; do printf '%s ' "$(cpu_us "$p")"; done; }

# One sample of the ledger's counters ($1: status URL) and of the CPU time of GENS (summed) and
# of each of NODES, printed as "time_us status_ms transfers batches generators_us node_us...".
# The CPU and the clock are read just before and just after the status request and averaged,
# so that they belong to the moment the status was taken (the request itself takes a few ms
# on an idle machine, up to seconds on a loaded one: status_ms says how long).
sample() {
  local ta tb ga gb ca cb n="" k
  for _ in 1 2 3; do   # a loaded cluster may fail to answer a status in time: try again
    ta=$(( $(date +%s%N) / 1000 )); ga=$(cpu_us "${GENS[@]}"); ca=$(cpu_each "${NODES[@]}")
    read -r n k <<< "$(ledger_counts "$1")"
    tb=$(( $(date +%s%N) / 1000 )); gb=$(cpu_us "${GENS[@]}"); cb=$(cpu_each "${NODES[@]}")
    [ -n "$n" ] && break
  done
  [ -n "$n" ] || { log "no ledger status at $1 (three tries)" >&2; exit 1; }
  awk -v ta="$ta" -v tb="$tb" -v n="$n" -v k="$k" -v ga="$ga" -v gb="$gb" -v ca="$ca" \
      -v cb="$cb" 'BEGIN {
    m = split(ca, a, " "); split(cb, b, " ")
    printf "%.0f %.0f %s %s %.0f", (ta + tb) / 2, (tb - ta) / 1e3, n, k, (ga + gb) / 2
    for (i = 1; i <= m; i++) printf " %.0f", (a[i] + b[i]) / 2
    print ""
  }'
}

# Measures one window: $1 label, $2 status URL; NODES and GENS hold the pids, GEN_OUT the
# generators' output files (their runs must have started). The generators' CPU is only
# reported if none has ended before the window did.
measure() {
  local label=$1 url=$2 s0 s1 ended="" p vm i us
  sleep "$WARMUP"
  thread_ticks > "$label.threads0"
  s0=$(sample "$url")
  if [ "${PERF:-0}" = 1 ]; then
    for i in "${!NODES[@]}"; do
      perf record -q -F 199 -g -p "${NODES[$i]}" -o "$W/$label-$i.perf" \
        -- sleep "$SECONDS_RUN" > /dev/null 2>&1 &
    done
  fi
  date +%s%3N > "$label.window"   # the window's ends in ms since the epoch, for JFR summaries
  busy0=$(busy_ticks)
  vmstat "$SECONDS_RUN" 2 | tail -1 > "$label.vmstat" &
  vm=$!
  sleep "$SECONDS_RUN"
  date +%s%3N >> "$label.window"
  busy1=$(busy_ticks)
  s1=$(sample "$url")
  thread_ticks > "$label.threads1"
  for p in "${GEN_OUT[@]}"; do grep -q '^run:' "$p" && ended+=" $p"; done
  wait "$vm" || true
  [ -n "$ended" ] \
    && log "WARNING:$ended ended before the window did (raise *_PAYMENTS or MARGIN)"
  # Everything the machine ran in the window, ours or not: far above servers + generators means
  # someone else's work shared the cores (the figures then read high).
  log "$label: machine busy $(awk -v a="$busy0" -v b="$busy1" -v t="$SECONDS_RUN" \
    -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz / t }') cores in the window" \
    "(/proc/stat; servers and generators below)"
  awk -v l="$label" -v s0="$s0" -v s1="$s1" -v ended="$ended" -v vm="$(cat "$label.vmstat")" \
      -v load="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
    m = split(s0, a, " "); split(s1, b, " ")
    t = b[1] - a[1]; n = b[3] - a[3]; k = b[4] - a[4]; g = b[5] - a[5]; c = 0; each = ""
    for (i = 6; i <= m; i++) { c += b[i] - a[i]; each = each sprintf(" %.1f", (b[i] - a[i]) / n) }
    split(vm, v, " ")
    printf "%-8s %7.0f PAY/s %6.1f us server CPU/PAY (each:%s) servers %.2f cores, " \
      "generators %s us/PAY, %.0f transfers/batch, load %s, vmstat r %s us %s sy %s id %s wa %s, " \
      "status read in %s and %s ms\n",
      l, n / (t / 1e6), c / n, each, c / t, (ended == "" ? sprintf("%.1f", g / n) : "n/a"),
      (k > 0 ? n / k : 0), load, v[1], v[13], v[14], v[15], v[16], a[2], b[2]
    printf "US_%s=%.2f PS_%s=%.0f\n", l, c / n, l, n / (t / 1e6) > "/dev/stderr"
  }' 2> "$label.vars" | tee -a results.txt
  source "$label.vars"
  us=US_$label; thread_groups "$label" "${!us}"
}

# Clock ticks so far of every thread of every server, a line each: "pid name ticks" (the name
# as the kernel keeps it, 15 characters at most, spaces made "_").
thread_ticks() {
  local p
  for p in "${NODES[@]}"; do
    awk -v p="$p" '{
      f = $0; o = index(f, "("); c = length(f); while (substr(f, c, 1) != ")") c--
      name = substr(f, o + 1, c - o - 1); gsub(/ /, "_", name)
      split(substr(f, c + 2), a, " "); print p, name, a[12] + a[13] }' /proc/"$p"/task/*/stat \
      2> /dev/null || true
  done
}

# Prints the window's server CPU per PAY by group of threads, all members together: the JIT
# compilers, the collectors and VM thread, Vert.x's event loops, the rest; each group's share of
# the threads' ticks between $1.threads0 and $1.threads1 (read just outside the window's
# samples) times the window's server CPU per PAY ($2). A thread that ended in between is not
# counted, so the JIT's share is a lower bound (compiler threads come and go).
thread_groups() {
  awk -v total="$2" -v l="$1" '
    FNR == 1 { file++ }
    file == 1 { before[$1 " " $2] += $3; next }
    { g = "rest"
      if ($2 ~ /^C[12]_Compiler/) g = "jit"
      else if ($2 ~ /^(GC_Thread|G1_|VM_Thread)/) g = "gc+vm"
      else if ($2 ~ /^vert\.x-eventloo/) g = "eventloops"
      after[$1 " " $2] += $3; grp[$1 " " $2] = g }
    END {
      for (k in after) { d = after[k] - (k in before ? before[k] : 0); sum[grp[k]] += d; all += d }
      if (all == 0) exit
      f = total / all
      printf "%-8s threads, us/PAY: jit %.1f, gc+vm %.1f, event loops %.1f, rest %.1f; " \
        "all but jit %.1f\n", l, sum["jit"] * f, sum["gc+vm"] * f, sum["eventloops"] * f,
        sum["rest"] * f, (all - sum["jit"]) * f
    }' "$1.threads0" "$1.threads1" | tee -a results.txt
}

# Busy clock ticks of the whole machine so far (/proc/stat: user nice system irq softirq steal).
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

# Waits for the generators in GENS to end, then forgets them.
finish_generators() {
  wait "${GENS[@]}" 2>/dev/null || true
  GENS=(); GEN_OUT=()
}

stop_nodes() {
  kill "${NODES[@]}" 2>/dev/null || true
  wait "${NODES[@]}" 2>/dev/null || true
  NODES=()
}

# JVM options of a server JVM labelled $1: a flight recording into $W/$1.jfr if JFR=1.
jvm_opts() {
  echo "${SERVER_JAVA_OPTS:-}"
  [ "${JFR:-0}" = 1 ] && echo "-XX:StartFlightRecording=filename=$W/$1.jfr,settings=profile"
  [ "${PERF:-0}" = 1 ] \
    && echo "-XX:+PreserveFramePointer -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit"
  return 0
}

NODES=(); GENS=(); GEN_OUT=()
single_node() { # $1 label, $2 taskset prefix for the node, $3 for the generator
  $2 java $(jvm_opts "$1") -jar "$J" server --conf n0.json --data-dir "$W/$1" > single.log 2>&1 &
  NODES=($!); PIDS+=($!)
  await_ready single.log; FP_LOG=single.log
  GEN_OUT=("$1.out"); start_generator "$1.out" 16100 "$SINGLE_PAYMENTS" "$3"
  await_prepared "$1.out"
  measure "$1" http://127.0.0.1:18080/health
  finish_generators; stop_nodes
}
case " $PARTS " in *" single "*) single_node single "" "" ;; esac
case " $PARTS " in *" pinned "*) single_node pinned "taskset -c 0" "taskset -c 1" ;; esac

case " $PARTS " in *" cluster "*|*" leader "*|*" takeover "*)
  java -jar "$J" cluster-keys --out "$W/certs/cluster" > /dev/null
  M=127.0.0.1:5801,127.0.0.1:5811,127.0.0.1:5821
  for i in 0 1 2; do
    java $(jvm_opts c$i) -jar "$J" server --conf n$i.json --data-dir "$W/c$i" --cluster --cluster-host 127.0.0.1 \
      --cluster-port 58${i}1 --members $M --cluster-keys "$W/certs/cluster" \
      --hazelcast-config "$CONF" > c$i.log 2>&1 &
    NODES+=($!); PIDS+=($!)
    [ "$i" = 0 ] && await_ready c0.log   # the first makes the shared TLS certificate
  done
  for i in 1 2; do await_ready c$i.log; done
  FP_LOG=c0.log
  for _ in $(seq 60); do
    curl -s http://127.0.0.1:18080/health | grep -q '"leader":"m' && break; sleep 1
  done
  leader() {
    local i; for i in 0 1 2; do
      curl -s -m 5 http://127.0.0.1:1808$i/health | grep -q '"leading":true' && echo $i && return
    done
  }
  log "cluster: leader is member $(leader)"
  ;;
esac
case " $PARTS " in *" cluster "*)
  for i in 0 1 2; do
    GEN_OUT+=("cluster$i.out"); start_generator cluster$i.out 1610$i "$CLUSTER_PAYMENTS" ""
  done
  await_prepared "${GEN_OUT[@]}"
  measure cluster http://127.0.0.1:18080/health
  finish_generators
  log "cluster: leader is member $(leader) (leadership may move under load)"
  ;;
esac
case " $PARTS " in *" leader "*)
  L=$(leader)
  GEN_OUT=(leader.out); start_generator leader.out 1610$L "$SINGLE_PAYMENTS" ""
  await_prepared leader.out
  measure leader http://127.0.0.1:1808$L/health
  finish_generators
  [ "$(leader)" = "$L" ] || log "WARNING: the leader moved during the run, now $(leader)"
  ;;
esac
for r in cluster leader; do
  us=US_$r; ps=PS_$r
  if [ -n "${US_single:-}" ] && [ -n "${!us:-}" ]; then
    log "$r/single: $(awk -v a="${!us}" -v b="$US_single" -v x="${!ps}" -v y="$PS_single" \
      'BEGIN { printf "%.2f times the server CPU per PAY, %.0f%% of the PAY/s", a / b,
               100 * x / y }')"
  fi
done

case " $PARTS " in *" takeover "*)
  # A generator on a follower's member, SIGKILL of the leader 5 s into its run. The follower's
  # /health is polled (every 0.1 s or so): the first ledger status read after the kill needs a
  # leader that answers (a new one: the old is dead), and the first transfer count above that
  # status is a batch the new leader committed and applied, whose PAYs are answered at once.
  # The time printed is the kill to that count: an upper bound of the takeover, by the polling.
  L=$(leader); F=$(( (L + 1) % 3 )); URL=http://127.0.0.1:1808$F/health
  GEN_OUT=(takeover.out)
  RUN_SECONDS=40 start_generator takeover.out 1610$F "$CLUSTER_PAYMENTS" ""
  await_prepared takeover.out
  sleep 5
  L=$(leader)
  if [ "$L" = "$F" ] || [ -z "$L" ]; then
    log "takeover: the leader moved to the generator's member; not measured"
  else
    log "takeover: before the kill $(ledger_counts "$URL") (transfers batches), leader member $L," \
      "generator on member $F"
    K=$(date +%s%N); kill -9 "${NODES[$L]}"; wait "${NODES[$L]}" 2>/dev/null || true
    FIRST=""; DONE=""
    while [ $(( ($(date +%s%N) - K) / 1000000000 )) -lt 30 ]; do
      read -r N _ <<< "$(ledger_counts "$URL" 0.5)"
      if [ -n "${N:-}" ] && [ -z "$FIRST" ]; then
        FIRST=$N; ANSWERED=$(( ($(date +%s%N) - K) / 1000000 ))
      elif [ -n "${N:-}" ] && [ "$N" -gt "$FIRST" ]; then
        DONE=$(( ($(date +%s%N) - K) / 1000000 )); break
      fi
      sleep 0.05
    done
    if [ -n "$DONE" ]; then
      log "takeover: a new transfer committed $DONE ms after SIGKILL of the leader (member $L);" \
        "the ledger's status answered again after $ANSWERED ms; new leader member $(leader)"
    else
      log "takeover: no new transfer within 30 s of SIGKILL of the leader (member $L)"
    fi
  fi
  grep -q '^run:' takeover.out \
    && log "WARNING: the takeover generator ended before the takeover was measured"
  finish_generators
  ;;
esac
stop_nodes
log "load after: $(uptime | sed 's/.*load/load/')"
