#!/usr/bin/env bash
# README.md's 60-second tour, run exactly as printed (only the binary directory substituted),
# twice in a row: every command must succeed under `set -euo pipefail`, every line of the
# README's sample output must appear, and nothing may be left behind (no swarmexd, no journal).
# Needs no root. Where unprivileged user namespaces exist, each run gets its own network
# namespace, so port 7400 cannot clash with anything else on the machine; elsewhere runs are
# serialised across checkouts with a lock on this script.
# usage: readme_tour_test.sh SOURCE_DIR BIN_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
bin=$(cd "$2" && pwd)
readme=$src/README.md
work=$(mktemp -d "${TMPDIR:-/tmp}/swarmex-readme-tour.XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() {
  echo "readme_tour_test: $*" >&2
  exit 1
}

# The fenced blocks between two HTML comment markers.
block() {
  awk -v b="<!-- $1:begin -->" -v e="<!-- $1:end -->" \
    'index($0, b) == 1 { on = 1; next } index($0, e) == 1 { on = 0 } on' "$readme" |
    awk '/^```/ { fence = !fence; next } fence'
}

block tour >"$work/tour.sh"
block tour-output >"$work/expected.txt"
[ -s "$work/tour.sh" ] || fail "no <!-- tour:begin --> ... <!-- tour:end --> block in $readme"
[ -s "$work/expected.txt" ] || fail "no <!-- tour-output:begin --> block in $readme"
path_line='export PATH=$PWD/build/release/bin:$PATH'
grep -qxF "$path_line" "$work/tour.sh" || fail "the tour no longer starts with: $path_line"
grep -q -- '--start [0-9]' "$work/tour.sh" && fail "the tour starts a window at a fixed time"

tour=$(<"$work/tour.sh")
{
  echo 'set -euo pipefail'
  # On a failure, stop what the tour started in the background.
  echo 'trap '\''for p in $(jobs -p); do kill "$p" 2>/dev/null || true; done; wait || true'\'' EXIT'
  printf '%s\n' "${tour//'$PWD/build/release/bin'/$bin}"
  echo '[ -z "$(jobs -p)" ] || { echo "the tour left a process running" >&2; exit 1; }'
} >"$work/run.sh"

if unshare --user --map-root-user --net true 2>/dev/null && command -v ip >/dev/null; then
  isolate=(unshare --user --map-root-user --net bash -c 'ip link set lo up && exec "$@"' isolate)
else
  isolate=(flock "$src/tests/e2e/readme_tour_test.sh")
fi

# A line of the sample output matches an output line that holds its `…`-separated pieces in
# order; a line that is just `...` stands for lines left out.
matches() {
  local want=$1 have=$2 piece rest
  rest=$have
  while [ -n "$want" ]; do
    piece=${want%%…*}
    [ "$piece" = "$want" ] && want='' || want=${want#*…}
    [ -z "$piece" ] && continue
    case $rest in
      *"$piece"*) rest=${rest#*"$piece"} ;;
      *) return 1 ;;
    esac
  done
}

for run in 1 2; do
  # The tour's windows are hours from now: keep an hour boundary out of the run.
  to_hour=$((3600 - $(date +%s) % 3600))
  [ "$to_hour" -gt 30 ] || sleep $((to_hour + 1))
  mkdir "$work/tmp"
  out=$work/out-$run.txt
  if ! (cd "$src" && TMPDIR=$work/tmp timeout -k 5 90 "${isolate[@]}" bash "$work/run.sh") \
    >"$out" 2>&1; then
    cat "$out"
    fail "run $run of the tour failed"
  fi
  while IFS= read -r want; do
    [ "$want" = "..." ] && continue
    found=0
    while IFS= read -r have; do
      if matches "$want" "$have"; then
        found=1
        break
      fi
    done <"$out"
    if [ "$found" = 0 ]; then
      cat "$out"
      fail "run $run: no output line like the README's: $want"
    fi
  done <"$work/expected.txt"
  [ -z "$(ls -A "$work/tmp")" ] || fail "run $run left $(ls -A "$work/tmp") in its TMPDIR"
  rmdir "$work/tmp"
  echo "run $run of the README tour: ok ($(wc -l <"$out") lines of output)"
done
