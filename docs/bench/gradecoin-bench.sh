#!/bin/bash
# The Gradecoin network's benchmark (docs/benchmarks.md, "Gradecoin network (issue 24)"), and the
# main ledger's signed POST /transactions beside it, on one node, in one run:
#   1. a node with a Gradecoin network (60 students, RS256 JWTs, keep-alive HTTPS);
#   2. docs/bench/gradecoin-load.mjs: registers the 60, then (a warm-up round, its blocks, then the
#      measured round) times every one of them paying every other (3,540 accepted POST
#      /transaction), the server's CPU per accepted transaction and its busiest threads, then
#      times POST /block of the largest block a request body may carry;
#   3. right after, bench-api against the same node's main ledger (RSA-2048, 64 connections; a
#      warm-up run, then the measured one), with the node's CPU per payment;
#   4. bench --parts gradecoin: a block of 1,000 transactions through the network's ledger alone.
# The load average is printed with each figure. Run from the checkout after
# `mvn -o -q -DskipTests package`; everything started is on 127.0.0.1 and killed at exit.
# Usage: [USERS=60] [CONNECTIONS=64] [API_WARMUP=3000] [API_PAYMENTS=10000] bash docs/bench/gradecoin-bench.sh [work dir]
set -euo pipefail
USERS=${USERS:-60}
CONNECTIONS=${CONNECTIONS:-64}
API_PAYMENTS=${API_PAYMENTS:-10000}
W=${1:-/tmp/paywire-bench-gradecoin}
LOAD=$(pwd)/docs/bench/gradecoin-load.mjs
source docs/bench/lib.sh
REV=$(git log -1 --format=%h -- src pom.xml)$(git diff --quiet HEAD -- src pom.xml || echo "+changes")
rm -rf "$W"; mkdir -p "$W"; cp target/paywire.jar "$W/paywire.jar"
cd "$W"
PIDS=()
trap 'kill -9 "${PIDS[@]}" 2>/dev/null || true' EXIT
trap 'exit 1' INT TERM
log() { echo "$*" | tee -a results.txt; }

# Gradecoin's own files: amounts 1 to 10, a gas fee and a traffic reward of 1, hash_zeros 2 so a
# block is mined in milliseconds, a register bonus that pays for every transaction of the run.
cat > config.yaml <<'YAML'
name: bench
url_prefix: ""
preapproved_users: "students.csv"
block_transaction_count: 10
hash_zeros: 2
register_bonus: 60000
block_reward: 2
tx_upper_limit: 10
tx_lower_limit: 1
tx_traffic_reward: 1
tx_gas_fee: 1
bots:
  benchbot:
    starting_balance: 100
YAML
{ echo "User ID,Password"; for i in $(seq -w 1 "$USERS"); do echo "student$i,pass$i"; done; } > students.csv

# The main ledger's settings as in "HTTPS API: signed POST /transactions" (pacing raised: a
# benchmark registers and pays faster than a person, from one address); every port picked free.
cat > node.json <<JSON
{"node": {"host": "127.0.0.1", "tlsPort": 0, "httpPort": 0, "compatPort": -1},
 "tls": {"certsDirectory": "$W/certs"},
 "session": {"registrationsPerMinute": 1000000, "openingDeposit": "stated"},
 "http": {"challengesPerMinute": 1000000, "loginsPerMinute": 1000000},
 "networks": {"gc": {"kind": "gradecoin", "port": 0, "host": "127.0.0.1",
                     "gradecoinConfig": "config.yaml", "students": "students.csv"}}}
JSON
java -jar paywire.jar server --conf node.json --data-dir "$W/data" > node.log 2>&1 &
NODE=$!; PIDS+=($NODE)
for _ in $(seq 120); do grep -q '^ready' node.log && break; sleep 1; done
grep -q '^ready' node.log || { echo "no ready in node.log"; tail node.log; exit 1; }
GC=$(grep '^endpoint network:gc ' node.log | cut -d' ' -f3)
API=$(grep '^endpoint http ' node.log | cut -d' ' -f3 | cut -d: -f2)
[ -n "$GC" ] && [ -n "$API" ] || { grep '^endpoint' node.log; echo "endpoints not found"; exit 1; }
log "== $(date -u +%FT%TZ) code of $REV, $(nproc) cores, node pid $NODE," \
  "gradecoin $GC, API port $API; load $(cut -d' ' -f1-3 /proc/loadavg)"

node "$LOAD" --url "https://$GC/" --ca certs/ca.crt --pub certs/networks/gc/gradecoin.pub \
  --students students.csv --users "$USERS" --connections "$CONNECTIONS" --server-pid "$NODE" \
  2>&1 | tee -a results.txt

# bench-api's timed run starts once it prints that its requests are prepared: the node's CPU is
# read then and when bench-api has ended (its result printed), so it covers the timed run plus
# the client's exit. The first run warms the node's API path up.
api_run() { # $1 label, $2 payments
  log "-- main ledger ($1), same node, right after; load $(cut -d' ' -f1-3 /proc/loadavg)"
  java -jar paywire.jar bench-api --port "$API" --ca certs/ca.crt --accounts 64 --connections 64 \
    --seconds 30 --key-type rsa --payments "$2" > "api-$1.out" 2>&1 &
  local gen=$! before after
  PIDS+=($gen)
  until grep -q 'requests prepared' "api-$1.out"; do
    kill -0 "$gen" 2> /dev/null || { cat "api-$1.out"; exit 1; }
    sleep 0.05
  done
  before=$(cpu_us "$NODE")
  wait "$gen"
  after=$(cpu_us "$NODE")
  tee -a results.txt < "api-$1.out"
  log "$1 server_cpu: $(awk -v d=$((after - before)) \
      -v n="$(grep -o '[0-9]* ok' "api-$1.out" | cut -d' ' -f1)" \
      'BEGIN { printf "seconds=%.2f us_per_payment=%.0f", d / 1e6, d / n }')" \
    "(timed run plus the client's exit); load $(cut -d' ' -f1-3 /proc/loadavg)"
}
api_run warm-up "${API_WARMUP:-3000}"
api_run measured "$API_PAYMENTS"
kill "$NODE"; wait "$NODE" 2>/dev/null || true

log "-- the network's ledger alone; load $(cut -d' ' -f1-3 /proc/loadavg)"
java -jar paywire.jar bench --parts gradecoin --blocks 30 --data-dir "$W/ledger-alone" 2>&1 \
  | grep -v ' INFO ' | tee -a results.txt
log "load after $(cut -d' ' -f1-3 /proc/loadavg)"
