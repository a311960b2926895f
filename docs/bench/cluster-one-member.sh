#!/bin/bash
# What the clustered path costs with no follower sharing the cores (docs/benchmarks.md,
# "Cluster"): a single node, then a one-member "cluster" (Raft with fsync and TLS, the clustered
# event bus with TLS, Hazelcast), same load, same run. A real cluster refuses fewer than three
# members (ClusterOptions.MIN_MEMBERS), so this builds a scratch copy of the last commit (HEAD)
# with that limit lowered to 1: an experiment, never a way to run Paywire. The generator prepares
# PAYMENTS commands up front (default 12 million, about 1 GB of its heap): enough for the warm-up
# and the timed run at the single node's rate.
# Run from the checkout. Usage: [WARMUP=seconds] bash docs/bench/cluster-one-member.sh [seconds] [work dir]
set -euo pipefail
SECONDS_RUN=${1:-30}
WARMUP=${WARMUP:-60}
W=${2:-/tmp/paywire-bench-one}
CONF=$(pwd)/conf/cluster.xml
source docs/bench/lib.sh
rm -rf "$W"; mkdir -p "$W/src"
git archive HEAD | tar -x -C "$W/src"
sed -i 's/MIN_MEMBERS = 3;/MIN_MEMBERS = 1;/' "$W/src/src/main/java/io/paywire/cluster/ClusterOptions.java"
grep -q 'MIN_MEMBERS = 1;' "$W/src/src/main/java/io/paywire/cluster/ClusterOptions.java"
(cd "$W/src" && mvn -B -q -DskipTests package)
J=$W/paywire.jar; cp "$W/src/target/paywire.jar" "$J"
cd "$W"
write_node_conf 0 "$W/certs"
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true' EXIT
run_load() { # $1: label
  FP=$(grep '^tls-fingerprint' "$1.log" | cut -d' ' -f3)
  B="java -jar $J bench-client --server-fingerprint $FP --sessions 16 --window 64 --payments ${PAYMENTS:-12000000} --port 16100"
  $B --seconds "$WARMUP" --status-url none > "$1-warm.out" 2>&1
  $B --seconds "$SECONDS_RUN" --status-url http://127.0.0.1:18080/health 2>&1 | tee "$1.out" | tail -4
}

echo "== single node"
java -jar "$J" server --conf n0.json --data-dir "$W/single" > single.log 2>&1 & PIDS+=($!)
await_ready single.log
run_load single
kill "${PIDS[0]}"; wait "${PIDS[0]}" || true; PIDS=()

echo "== one-member cluster"
java -jar "$J" cluster-keys --out "$W/certs/cluster" > /dev/null
java -jar "$J" server --conf n0.json --data-dir "$W/one" --cluster --cluster-host 127.0.0.1 \
  --cluster-port 5801 --members 127.0.0.1:5801 --cluster-keys "$W/certs/cluster" \
  --hazelcast-config "$CONF" > one.log 2>&1 & PIDS+=($!)
await_ready one.log
for _ in $(seq 60); do curl -s http://127.0.0.1:18080/health | grep -q '"leading":true' && break; sleep 1; done
run_load one
