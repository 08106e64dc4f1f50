#!/usr/bin/env bash
# Installs what Loadwizard needs on Debian 12 (only what is missing), then configures and builds
# the Release preset with its tests. Safe to rerun.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
    # build
    build-essential cmake ninja-build pkg-config
    # engine
    libcurl4-openssl-dev libyaml-cpp-dev nlohmann-json3-dev libexpected-dev libcpp-httplib-dev
    libssl-dev libcli11-dev libfmt-dev libgoogle-perftools-dev google-perftools zlib1g-dev
    # clang++ compiles scenarios (GCC 12 miscompiles braced request options inside co_await)
    # and the fuzz targets (preset fuzz, tests/fuzz: libFuzzer and the sanitizer runtimes)
    clang libclang-rt-14-dev
    # GUI and Qt Test
    qt6-base-dev qt6-charts-dev libqt6opengl6-dev libgl-dev
    # peers for tests and benchmarks, screenshots
    nginx-light wrk xvfb xauth
    # xmllint validates the --junit report against the JUnit schema (tests/fixtures/junit)
    libxml2-utils
    # metrics backends the output tests start privately
    influxdb graphite-carbon python3-whisper
    # the HTML report's browser tests (tests/e2e/tst_e2ereportbrowser, label browser)
    chromium
)
# The report's charting library (engine/report/web) is installed with npm at build time. A
# Node.js from elsewhere (NodeSource) brings its own npm and conflicts with Debian's package.
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if ((${#missing[@]})); then
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    echo "setup: installing ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
        "${missing[@]}"
fi

cmake --preset release
cmake --build --preset release
