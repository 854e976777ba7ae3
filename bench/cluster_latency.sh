#!/bin/bash
# Order -> ack latency of swarmexd in durability sync, replicated and replicated+sync, in one run,
# at the same offered rate: each mode gets a fresh journal (and, replicated, a fresh 3-node NATS
# cluster from swarmex-run-cluster with one node), then swarmex-loadgen measures.
# usage: bench/cluster_latency.sh BIN_DIR [SECONDS] [RATE]   (prints one line per mode)
set -uo pipefail
BIN=${1:?bin dir}; D=${2:-10}; RATE=${3:-2000}
W=$(mktemp -d /tmp/swarmex-cluster-bench-XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; wait; rm -rf "$W"' EXIT
CFG=$(dirname "$0")/loadgen.toml
P=$(seq -f "load-%02g" 1 8 | paste -sd,)
measure() {  # MODE PORT
  "$BIN/swarmex-loadgen" --server 127.0.0.1:$2 --sessions 8 --principals "$P" --rate "$RATE" \
    --duration "$D" --warmup 1 --json > "$W/$1.json" 2> "$W/$1.err"
  python3 - "$1" "$W/$1.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[2]))
def find(o):
    if isinstance(o, dict):
        if "p50_us" in o and "p99_us" in o: return o
        for v in o.values():
            r = find(v)
            if r: return r
    return None
l = find(j.get("latency", j))
print(f"{sys.argv[1]:<16} count {l['count']:>7}  p50 {l['p50_us']:>8} us  p99 {l['p99_us']:>8} us  p99.9 {l['p999_us']:>8} us")
PY
}
# sync: one swarmexd, no cluster.
"$BIN/swarmexd" --config "$CFG" --listen 127.0.0.1:7431 --journal-dir "$W/sync" \
  --durability sync --dashboard-listen off > "$W/sync.log" 2>&1 & PID=$!
for _ in $(seq 1 200); do grep -q listening "$W/sync.log" && break; sleep 0.05; done
measure sync 7431
kill -INT $PID; wait $PID
for mode in replicated replicated+sync; do
  "$BIN/swarmex-run-cluster" --server "$BIN/swarmexd" --config "$CFG" --nodes 1 \
    --port-base 7432 --durability $mode > "$W/run-$mode.log" 2>&1 & RP=$!
  for _ in $(seq 1 600); do grep -q "ready" "$W/run-$mode.log" && break; sleep 0.05; done
  measure $mode 7432
  kill -INT $RP; wait $RP
done
