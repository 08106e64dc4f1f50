#!/bin/sh
# installedsdk.sh <build dir>: installs into a scratch prefix, makes a starter project with
# `loadwizard new`, builds its plugin with CMake against the installed package
# (find_package(LoadwizardSDK) + loadwizard_add_scenario), runs the built .so for one iteration
# against the built-in target, and checks that a forgotten co_await fails that build too.
set -eu
build=$1
prefix=$(mktemp -d)
target_pid=
cleanup() {
    if [ -n "$target_pid" ]; then kill "$target_pid" 2>/dev/null || true; fi
    rm -rf "$prefix"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
cmake --install "$build" --prefix "$prefix" >/dev/null
test -f "$prefix/lib/cmake/LoadwizardSDK/LoadwizardSDKConfig.cmake" ||
    test -n "$(find "$prefix" -name LoadwizardSDKConfig.cmake)" || fail "no LoadwizardSDKConfig.cmake"
test -n "$(find "$prefix" -name LoadwizardSDKConfigVersion.cmake)" || fail "no version file"
lw() {
    env -u LOADWIZARD_SDK_INCLUDE -u LOADWIZARD_DEMO -u DISPLAY -u QT_QPA_PLATFORM \
        XDG_CACHE_HOME="$prefix/cache" "$prefix/bin/loadwizard" "$@"
}
mkdir "$prefix/work"
cd "$prefix/work"
lw new demo >/dev/null
for file in demo.yaml demo.cpp CMakeLists.txt README.md; do
    test -f "demo/$file" || fail "loadwizard new wrote no demo/$file"
done
if lw new demo 2>/dev/null; then fail "loadwizard new overwrote demo/"; fi

cmake -S demo -B demo/build -DCMAKE_PREFIX_PATH="$prefix" >demo/configure.log 2>&1 ||
    { cat demo/configure.log; fail "configure"; }
cmake --build demo/build >demo/build.log 2>&1 || { cat demo/build.log; fail "build"; }
test -f demo/build/demo.so || fail "no demo/build/demo.so (MODULE library without lib prefix)"

lw target --listen 127.0.0.1:0 >target.log 2>&1 &
target_pid=$!
url=
for _ in $(seq 1 100); do
    url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' target.log)
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || fail "the built-in target did not start: $(cat target.log)"

lw validate demo/demo.yaml >/dev/null 2>validate.log || { cat validate.log; fail "validate"; }
lw run demo/demo.yaml --scenario demo/build/demo.so --base-url "$url" --vus 1 \
    --iterations 1 --quiet --summary-json summary.json >/dev/null
python3 - summary.json <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
# One vuser, one iteration of three requests, nothing interrupted, checks all passed.
assert (s["iterations_started"], s["iterations"], s["iterations_interrupted"]) == (1, 1, 0), s
assert s["requests"]["count"] == 3 and s["requests"]["errors"] == 0, s
assert s["checks"]["home page is 200"] == {"passes": 1, "fails": 0}, s
PY

# A forgotten co_await fails the CMake build as it fails `loadwizard run`.
sed 's/const auto health = co_await vu.get(/vu.get(/; s/health.body == "ok"/true/' demo/demo.cpp >demo/forgot.cpp
grep -q '^ *vu.get(' demo/forgot.cpp || fail "forgot.cpp was not made"
printf 'loadwizard_add_scenario(forgot forgot.cpp)\n' >>demo/CMakeLists.txt
cmake -S demo -B demo/build >/dev/null 2>&1
if cmake --build demo/build --target forgot >forgot.log 2>&1; then fail "forgot.cpp built"; fi
grep -q 'unused-result' forgot.log || { cat forgot.log; fail "no unused-result error"; }
echo "ok: installed SDK package builds and runs a starter scenario"
