#!/usr/bin/env bash
# The house rules a build cannot see: clients never include server code, the CLI links no
# matching engine, the common pieces depend on nothing, and no source file grows past 600 lines.
# Usage: check_layering.sh SOURCE_DIR CLI_BINARY HOSTCTL_BINARY LOADGEN_BINARY
set -uo pipefail
src=$1
shift
fail=0
say() { echo "layering: $*" >&2; fail=1; }

# 1. Client-side modules include no server header (gateway/ is the server).
for dir in client protocol common hostctl autopilot forecast tools/cli tools/loadgen; do
  hits=$(grep -rnE '#include "(swarmex/gateway/|\.\./gateway/|gateway/src/)' "$src/$dir" || true)
  [[ -n $hits ]] && say "$dir includes a server header:"$'\n'"$hits"
done
# 2. The wire protocol depends on the engine's vocabulary and itself only; common on nothing.
hits=$(grep -rhoE '#include "swarmex/[a-z_]+/' "$src/protocol" | sort -u |
  grep -vE 'swarmex/(protocol|engine)/' || true)
[[ -n $hits ]] && say "protocol/ includes outside engine types: $hits"
hits=$(grep -rhoE '#include "swarmex/[a-z_]+/' "$src/common" | sort -u | grep -v 'swarmex/common/' || true)
[[ -n $hits ]] && say "common/ includes another module: $hits"
# 3. The binaries of the clients carry no matching engine and no server code.
for bin in "$@"; do
  [[ -x $bin ]] || { say "missing binary $bin"; continue; }
  n=$(nm -C "$bin" | grep -cE 'swarmex::engine::(Engine|OrderBook|EnginePartition|EnginePartition)::' || true)
  ((n > 0)) && say "$(basename "$bin") links the matching engine ($n symbols)"
  n=$(nm -C "$bin" | grep -c 'swarmex::gateway::' || true)
  ((n > 0)) && say "$(basename "$bin") links server code ($n symbols)"
done
# 4. No source file over 600 lines.
while read -r lines file; do
  [[ $file == total ]] && continue
  ((lines > 600)) && say "$file has $lines lines (at most 600)"
done < <(cd "$src" && git ls-files -co --exclude-standard -- '*.cpp' '*.hpp' '*.h' '*.fbs' \
  '*.cmake' 'CMakeLists.txt' '*.sh' 'tools/run-*' | xargs wc -l)

((fail)) && exit 1
echo "layering: clients, protocol and common are apart from the server; no file over 600 lines"
