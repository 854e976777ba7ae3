#!/usr/bin/env bash
# The Debian package as an operator gets it: cpack builds it from this build tree, it is unpacked
# into a temporary root (no dpkg -i), and what it holds is checked — binaries, conffiles, systemd
# units, the hostctl start wrapper, Depends — then the unpacked swarmexd is started with the
# unpacked sample configuration and the unpacked CLI trades through it.
# usage: deb_package_test.sh BUILD_DIR   (KEEP=1 keeps its work directory)
set -euo pipefail
build=$(cd "$1" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/swarmex-deb-test.XXXXXX")
pid=
cleanup() {
  [[ -n $pid ]] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  [[ -n ${KEEP:-} ]] || rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "deb_package_test: $*" >&2
  exit 1
}

command -v dpkg-deb >/dev/null || { echo "deb_package_test: SKIP: dpkg-deb is missing"; exit 77; }
cpack --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log" >&2; fail "cpack failed"; }
deb=$(ls "$work"/out/swarmex_*_amd64.deb 2>/dev/null | head -1)
[[ -f $deb ]] || fail "no swarmex_*_amd64.deb in $work/out"

# Control: name, and Depends found from the binaries' libraries.
[[ $(dpkg-deb -f "$deb" Package) == swarmex ]] || fail "package name is not swarmex"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libjemalloc2 liburing2 libssl3; do
  [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
done
dpkg-deb -e "$deb" "$work/control"
for f in swarmex.toml hostctl.toml autopilot.toml; do
  grep -qx "/etc/swarmex/$f" "$work/control/conffiles" || fail "/etc/swarmex/$f is not a conffile"
done

root=$work/root
dpkg-deb -x "$deb" "$root"
for b in swarmexd swarmex swarmex-hostctl swarmex-autopilot swarmex-report swarmex-mig-list; do
  [[ -x $root/usr/bin/$b ]] || fail "usr/bin/$b missing or not executable"
done
for f in swarmex.toml hostctl.toml autopilot.toml; do
  [[ -f $root/etc/swarmex/$f ]] || fail "etc/swarmex/$f missing"
done
units=$root/usr/lib/systemd/system
for u in swarmexd swarmex-hostctl swarmex-autopilot; do
  [[ -f $units/$u.service ]] || fail "usr/lib/systemd/system/$u.service missing"
done
grep -qx 'ExecStart=/usr/bin/swarmexd --config /etc/swarmex/swarmex.toml' "$units/swarmexd.service" ||
  fail "swarmexd.service does not start /usr/bin/swarmexd with /etc/swarmex/swarmex.toml"
grep -qx 'Delegate=yes' "$units/swarmex-hostctl.service" || fail "swarmex-hostctl.service lacks Delegate=yes"
wrapper=$root/usr/libexec/swarmex/swarmex-hostctl-start
[[ -x $wrapper ]] || fail "usr/libexec/swarmex/swarmex-hostctl-start missing or not executable"
grep -q '^ExecStart=/usr/libexec/swarmex/swarmex-hostctl-start ' "$units/swarmex-hostctl.service" ||
  fail "swarmex-hostctl.service does not start through its wrapper"
grep -q 'exec /usr/bin/swarmex-hostctl' "$wrapper" || fail "the wrapper does not exec /usr/bin/swarmex-hostctl"
# Every path a unit names exists in the package.
for path in $(grep -ho '/usr/[a-z/_.-]*\|/etc/swarmex/[a-z.]*' "$units"/*.service | sort -u); do
  [[ $path == /usr/share/doc/* || -e $root$path ]] || fail "a unit names $path, which the package lacks"
done
[[ -f $root/usr/share/doc/swarmex/operations.md ]] || fail "usr/share/doc/swarmex/operations.md missing"

# The unpacked programs run: swarmexd with the packaged configuration (its own port and journal,
# no metrics or dashboard listeners) and a trade through the packaged CLI.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
grep -Ev '^(metrics|dashboard)_listen' "$root/etc/swarmex/swarmex.toml" >"$work/swarmex.toml"
"$root/usr/bin/swarmexd" --config "$work/swarmex.toml" --listen "127.0.0.1:$port" \
  --journal-dir "$work/journal" >"$work/swarmexd.log" 2>&1 &
pid=$!
cli=("$root/usr/bin/swarmex")
srv=(--server "127.0.0.1:$port")
"${cli[@]}" order new "${srv[@]}" --principal host-a1 --token host-a1-token --keep-orders \
  --instrument 1 --side sell --price 5000 --qty 40 >"$work/ask.txt" ||
  { cat "$work/swarmexd.log" >&2; fail "the packaged CLI could not place an ask"; }
"${cli[@]}" order new "${srv[@]}" --principal tenant-a --token tenant-a-token --instrument 1 \
  --price 5000 --qty 15 >"$work/bid.txt" || fail "the packaged CLI could not place a bid"
grep -qi 'fill' "$work/bid.txt" || { cat "$work/bid.txt" >&2; fail "the bid did not trade"; }
echo "deb_package_test: $(basename "$deb") ok ($(dpkg-deb -c "$deb" | wc -l) entries)"
