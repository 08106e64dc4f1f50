#!/bin/sh
# installedlayout.sh <build dir>: installs into a scratch prefix and validates the installed demo
# project, which compiles the installed shop.cpp against the installed SDK headers. No variable
# points Loadwizard at anything: the binary finds it all relative to itself.
set -eu
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
env -u LOADWIZARD_SDK_INCLUDE -u LOADWIZARD_DEMO -u DISPLAY -u QT_QPA_PLATFORM \
    XDG_CACHE_HOME="$prefix/cache" \
    "$prefix/bin/loadwizard" validate "$prefix/share/loadwizard/scenarios/demo.yaml"
# The compiled plugin in the cache proves the installed SDK was used, not a fallback.
ls "$prefix"/cache/loadwizard/shop-*.so >/dev/null
