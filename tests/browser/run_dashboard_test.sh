#!/usr/bin/env bash
# The operator dashboard in headless Chromium: starts swarmexd (etc/swarmex.toml, a temp journal,
# free ports), runs dashboard.test.mjs (playwright-core, installed into WORK_DIR, never the
# source tree) and checks that `chromium --dump-dom` of the page names every pool. The screenshot
# stays in WORK_DIR/artifacts. Exits 77 (skipped) with the reason when Chromium, node or npm is
# missing, or playwright-core cannot be installed.
# Usage: run_dashboard_test.sh SOURCE_DIR BIN_DIR WORK_DIR
set -euo pipefail
src=$1 bin=$2 work=$3
skip() { echo "SKIPPED: $*" >&2; exit 77; }
fail() { echo "FAILED: $*" >&2; exit 1; }

chromium=${CHROMIUM:-$(command -v chromium || true)}
[[ -n $chromium && -x $chromium ]] || skip "no chromium (apt-get install chromium)"
command -v node >/dev/null || skip "no node (apt-get install nodejs)"
command -v npm >/dev/null || skip "no npm (apt-get install npm)"

mkdir -p "$work/artifacts"
cp "$src/tests/browser/package.json" "$src/tests/browser/package-lock.json" \
  "$src/tests/browser/dashboard.test.mjs" "$work/"
if [[ ! -f $work/node_modules/playwright-core/package.json ]] ||
  ! grep -q "\"version\": \"$(sed -n 's/.*"playwright-core": "\(.*\)".*/\1/p' "$work/package.json")\"" \
    "$work/node_modules/playwright-core/package.json"; then
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error) ||
    skip "playwright-core could not be installed (npm ci in $work; no network?)"
fi

tmp=$(mktemp -d)
pid=
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
"$bin/swarmexd" --config "$src/etc/swarmex.toml" --journal-dir "$tmp/journal" \
  --listen 127.0.0.1:0 --dashboard-listen 127.0.0.1:0 >"$tmp/out" 2>&1 &
pid=$!
for _ in $(seq 100); do
  grep -q 'dashboard on' "$tmp/out" && break
  kill -0 "$pid" 2>/dev/null || fail "swarmexd stopped: $(cat "$tmp/out")"
  sleep 0.1
done
dash=$(grep -o 'dashboard on http://[0-9.]*:[0-9]*' "$tmp/out" | sed 's/dashboard on //') ||
  fail "no dashboard line: $(cat "$tmp/out")"
server=$(grep -o 'listening on [0-9.]*:[0-9]*' "$tmp/out" | sed 's/listening on //')
pools=$(sed -n 's/^pool *= *"\([^"]*\)".*/\1/p' "$src/etc/swarmex.toml" | sort -u | paste -sd, -)

(cd "$work" && DASHBOARD_URL=$dash OPERATOR_TOKEN=operator-token POOLS=$pools CHROMIUM=$chromium \
  SWARMEX_CLI=$bin/swarmex SWARMEX_SERVER=$server SCREENSHOT=$work/artifacts/dashboard.png \
  node dashboard.test.mjs) || fail "dashboard.test.mjs (swarmexd said: $(cat "$tmp/out"))"
[[ -s $work/artifacts/dashboard.png ]] || fail "no screenshot"

# The page as a browser without any test driver renders it: the DOM after 5 s of virtual time.
# Up to three tries: a sanitizer build of swarmexd can be slow to answer.
for try in 1 2 3; do
  timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --virtual-time-budget=5000 \
    --dump-dom "$dash/?token=operator-token" >"$work/artifacts/dashboard-dom.html" 2>/dev/null ||
    fail "chromium --dump-dom failed"
  missing=0
  for pool in ${pools//,/ }; do
    grep -q "data-pool=\"$pool\"" "$work/artifacts/dashboard-dom.html" || missing=1
  done
  ((missing == 0)) && break
  echo "--dump-dom try $try: not every pool shown yet"
done
for pool in ${pools//,/ }; do
  grep -q "data-pool=\"$pool\"" "$work/artifacts/dashboard-dom.html" ||
    fail "--dump-dom: no pool $pool in $work/artifacts/dashboard-dom.html"
  echo "ok: --dump-dom shows pool $pool"
done
echo "dashboard in Chromium: passed (screenshot $work/artifacts/dashboard.png)"
