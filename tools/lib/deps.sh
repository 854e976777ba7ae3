# Sourced by tools/run-tests and tools/run-demo: installs the Debian packages Swarmex builds with.
# A quick no-op when everything is present.
SWARMEX_PACKAGES=(
  build-essential cmake ninja-build pkg-config clang-format
  libboost-dev libconcurrentqueue-dev libflatbuffers-dev flatbuffers-compiler
  libjemalloc-dev liburing-dev libgtest-dev libgmock-dev libbenchmark-dev
  libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev libssl-dev nlohmann-json3-dev
  clang libclang-rt-14-dev lld prometheus-cpp-dev
)
# What only the tests need (tools/run-tests): promtool checks /metrics and a real Prometheus
# scrapes swarmexd (the metrics e2e tests skip without them); the NATS C client (the cluster
# module is built only with it) and nats-server (the cluster tests skip without it).
SWARMEX_TEST_PACKAGES=(prometheus libnats-dev nats-server)

# Installs what is missing of SWARMEX_PACKAGES and the packages given as arguments.
swarmex_install_deps() {
  local missing=() p status
  local -A installed=()
  # One dpkg-query for them all: the usual case (everything there) stays a few milliseconds.
  while read -r p status; do
    [[ $status == "install ok installed" ]] && installed[$p]=1
  done < <(dpkg-query -W -f='${Package} ${Status}\n' "${SWARMEX_PACKAGES[@]}" "$@" 2>/dev/null)
  for p in "${SWARMEX_PACKAGES[@]}" "$@"; do
    [[ -n ${installed[$p]:-} ]] || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  echo "installing: ${missing[*]}"
  local sudo=()
  [[ $(id -u) -ne 0 ]] && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The dashboard's browser test (tests/browser): Chromium, node and npm (it installs playwright-core
# into the build directory itself). A nodejs from elsewhere (NodeSource's ships npm) is kept: npm
# comes from Debian only when none is on PATH. When they cannot be installed the test is skipped,
# saying why, and the other tests still run.
swarmex_install_browser_deps() {
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  ((${#missing[@]} == 0)) && return 0
  echo "installing for the browser test: ${missing[*]}"
  local sudo=()
  [[ $(id -u) -ne 0 ]] && sudo=(sudo)
  { "${sudo[@]}" apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null; } ||
    echo "could not install ${missing[*]}: the dashboard's browser test will be skipped" >&2
}

# Configures and builds a preset; echoes nothing on success beyond the build's own output.
swarmex_build() {
  local preset=$1
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
}
