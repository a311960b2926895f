#!/bin/bash
# Durable PAYs through a three-node cluster next to a single node, same machine, same run
# (docs/benchmarks.md, "Cluster"). Run from the checkout after `mvn -q -DskipTests package`.
# Usage: [WARMUP=seconds] bash docs/bench/cluster-pay.sh [seconds per timed run, default 30] [work dir]
set -euo pipefail
SECONDS_RUN=${1:-30}
WARMUP=${WARMUP:-10}   # seconds of load before each timed run (the JIT compiles meanwhile)
W=${2:-/tmp/paywire-bench-cluster}
J=$W/paywire.jar
rm -rf "$W"; mkdir -p "$W"; cp target/paywire.jar "$J"
CONF=$(pwd)/conf/cluster.xml
source docs/bench/lib.sh
cd "$W"
for i in 0 1 2; do write_node_conf $i "$W/certs"; done
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true' EXIT

echo "== single node"
java -jar "$J" server --conf n0.json --data-dir "$W/single" > single.log 2>&1 & PIDS+=($!)
await_ready single.log
FP=$(grep '^tls-fingerprint' single.log | cut -d' ' -f3)
# Commands are prepared up front and held in the generator's heap (about 1 GB per 12 million):
# enough for the single node's warm-up and run; each cluster generator sends far fewer.
B="java -jar $J bench-client --server-fingerprint $FP --sessions 16 --window 64"
BS="$B --payments ${SINGLE_PAYMENTS:-12000000}"
B="$B --payments ${CLUSTER_PAYMENTS:-4000000}"
$BS --port 16100 --seconds "$WARMUP" --status-url none > single-warm.out 2>&1
$BS --port 16100 --seconds "$SECONDS_RUN" --status-url http://127.0.0.1:18080/health 2>&1 | tee single.out | tail -6
kill "${PIDS[0]}"; wait "${PIDS[0]}" || true; PIDS=()

echo "== cluster of three, one generator per node, each 16 sessions x window 64"
java -jar "$J" cluster-keys --out "$W/certs/cluster" > /dev/null
M=127.0.0.1:5801,127.0.0.1:5811,127.0.0.1:5821
for i in 0 1 2; do
  java -jar "$J" server --conf n$i.json --data-dir "$W/c$i" --cluster --cluster-host 127.0.0.1 \
    --cluster-port 58${i}1 --members $M --cluster-keys "$W/certs/cluster" \
    --hazelcast-config "$CONF" > c$i.log 2>&1 & PIDS+=($!)
  [ "$i" = 0 ] && await_ready c0.log   # the first makes the shared TLS certificate
done
for i in 1 2; do await_ready c$i.log; done
for _ in $(seq 60); do curl -s http://127.0.0.1:18080/health | grep -q '"leader":"m' && break; sleep 1; done
curl -s http://127.0.0.1:18080/health | grep -o '"leader":"[^"]*"' | head -1
G=(); for i in 0 1 2; do $B --port 1610$i --seconds "$WARMUP" --status-url none > warm$i.out 2>&1 & G+=($!); done
wait "${G[@]}" || true
# Generator 0 reads the ledger's status (answered by the leader) before and after: batches.
G=(); for i in 0 1 2; do
  S=none; [ "$i" = 0 ] && S=http://127.0.0.1:18080/health
  $B --port 1610$i --seconds "$SECONDS_RUN" --status-url $S > gen$i.out 2>&1 & G+=($!)
done
wait "${G[@]}" || true
for i in 0 1 2; do echo "-- generator on node $i"; tail -6 gen$i.out; done

echo "== the same cluster, one generator alone on the leader's node (the single node's load)"
L=0; for i in 0 1 2; do curl -s http://127.0.0.1:1808$i/health | grep -q '"leading":true' && L=$i; done
$B --port 1610$L --seconds "$SECONDS_RUN" --status-url http://127.0.0.1:1808$L/health 2>&1 \
  | tee leader-only.out | tail -6
