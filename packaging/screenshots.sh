#!/bin/sh
# Renders the README's screenshots of the workbench (docs/images/workbench-*.png) under Xvfb:
# the profile editor, the scenario picker, a live run, the Outputs section, the step editor of the
# demo against the built-in target, the Groups section (LW_ONLY=groups: that one only) and
# the Results section with a saved run and a comparison (LW_ONLY=results), then the HTML report
# its button writes, in headless Chromium (docs/images/report.png; skipped without chromium).
# Usage: packaging/screenshots.sh [BUILD_DIR]   (default: build/release)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build/release}
cmake --build "$build" --target lw_screenshots shop simple
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Fresh settings and compile cache, so the pictures never show someone's recent files.
export XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" \
       XDG_CACHE_HOME="$scratch/cache" XDG_RUNTIME_DIR="$scratch/runtime"
mkdir -m 700 "$XDG_RUNTIME_DIR"
# The tool lives in tests/ui, not next to the build tree's include/ as app/loadwizard does.
export LOADWIZARD_SDK_INCLUDE="$(cd "$build" && pwd)/include"
unset QT_QPA_PLATFORM
xvfb-run -a -s "-screen 0 1600x1000x24 -dpi 96" \
    "$build/tests/ui/lw_screenshots" "$scratch/images" || status=$?
cp "$scratch"/images/*.png docs/images/ # what was drawn, even after a failure
if [ -f "$scratch/images/report.html" ] && command -v chromium >/dev/null; then
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,1500 \
        --screenshot="$(pwd)/docs/images/report.png" "file://$scratch/images/report.html" \
        2>/dev/null
fi
exit "${status:-0}"
