#!/bin/bash
# Order throughput with two pools on one cluster leader against two pools on two leaders (one
# pool each, [cluster] pools), durability replicated, on one 3-node NATS cluster. Each setup gets
# the same load: two pipelined swarmex-loadgen at once, one per pool (instrument 1 in pool-a,
# instrument 3 in pool-b), 8 sessions each; the sum of their acknowledged requests per second.
# usage: bench/cluster_pools.sh BIN_DIR [SECONDS]   (prints one line per setup and their ratio)
set -uo pipefail
BIN=${1:?bin dir}; D=${2:-10}
W=$(mktemp -d /tmp/swarmex-cluster-pools-XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; wait; rm -rf "$W"' EXIT
BASE=$(dirname "$0")/loadgen.toml
config() {  # NAME POOLS -> a copy of the bench configuration in that cluster
  { sed 's/^durability = "sync"/durability = "replicated"/' "$BASE"
    # servers: replaced by --nats (run-cluster's NATS) at start
    printf '\n[cluster]\nservers = ["nats://127.0.0.1:4222"]\nname = "%s"\npools = [%s]\n' \
      "$1" "$2"; } > "$W/$1.toml"
}
wait_for() {  # FILE TEXT
  for _ in $(seq 1 600); do grep -q "$2" "$1" && return 0; sleep 0.05; done
  echo "cluster-pools: '$2' not in $1:" >&2; cat "$1" >&2; return 1
}
load() {  # TAG PORT_POOL_A PORT_POOL_B -> requests acknowledged per second, both loadgens
  "$BIN/swarmex-loadgen" --server "127.0.0.1:$2" --instrument 1 --hosts '' --pipelined \
    --sessions 8 --principals "$(seq -f "load-%02g" 1 8 | paste -sd,)" --duration "$D" \
    --warmup 2 --json > "$W/$1-a.json" 2> "$W/$1-a.err" &
  local A=$!
  "$BIN/swarmex-loadgen" --server "127.0.0.1:$3" --instrument 3 --hosts '' --pipelined \
    --sessions 8 --principals "$(seq -f "load-%02g" 9 16 | paste -sd,)" --duration "$D" \
    --warmup 2 --json > "$W/$1-b.json" 2> "$W/$1-b.err" &
  local B=$!
  wait $A $B
  python3 - "$1" "$D" "$W/$1-a.json" "$W/$1-b.json" <<'PY'
import json, sys
tag, secs = sys.argv[1], float(sys.argv[2])
def count(o):
    if isinstance(o, dict):
        if "p50_us" in o and "count" in o: return o["count"]
        for v in o.values():
            c = count(v)
            if c is not None: return c
    return None
n = [count(json.load(open(p))) for p in sys.argv[3:5]]
print(f"{tag:<12} pool-a {n[0] / secs:>9.0f}/s  pool-b {n[1] / secs:>9.0f}/s  "
      f"total {sum(n) / secs:>9.0f}/s")
PY
}

# One leader serving both pools.
config one '"pool-a", "pool-b"'
"$BIN/swarmex-run-cluster" --server "$BIN/swarmexd" --config "$W/one.toml" --nodes 1 \
  --port-base 7441 > "$W/run-one.log" 2>&1 & RP=$!
wait_for "$W/run-one.log" ready || exit 1
load one-leader 7441 7441 | tee "$W/one.txt"
kill -INT $RP; wait $RP

# Two leaders, one pool each, on one NATS cluster (east from run-cluster, west beside it).
config east '"pool-a"'
config west '"pool-b"'
"$BIN/swarmex-run-cluster" --server "$BIN/swarmexd" --config "$W/east.toml" --nodes 1 \
  --port-base 7451 > "$W/run-east.log" 2>&1 & RP=$!
wait_for "$W/run-east.log" ready || exit 1
NATS=$(sed -n 's/^run-cluster: nats-server x3 at \([^ ]*\) .*/\1/p' "$W/run-east.log")
"$BIN/swarmexd" --config "$W/west.toml" --listen 127.0.0.1:7452 --journal-dir "$W/west" \
  --durability replicated --nats "$NATS" --node west-a --dashboard-listen off \
  > "$W/west.log" 2>&1 & WP=$!
wait_for "$W/west.log" "listening on" || exit 1
load two-leaders 7451 7452 | tee "$W/two.txt"
kill -INT $WP; wait $WP
kill -INT $RP; wait $RP
python3 - "$W/one.txt" "$W/two.txt" <<'PY'
import sys
one, two = (float(open(p).read().split("total")[1].split("/s")[0]) for p in sys.argv[1:3])
print(f"two leaders / one leader: {two / one:.2f}x")
PY
