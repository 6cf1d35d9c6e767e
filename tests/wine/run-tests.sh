#!/usr/bin/env bash
# Runs the Windows tests under Wine: one private prefix for the whole run, napagent installed
# the README's way, every test a separate client process, all reported through prove.
# The prefix's wineserver is gone afterwards, whatever happened.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
source tools/wine-prefix.sh
trap wine_prefix_down EXIT

echo "# preparing a private Wine prefix (build/wine/check)"
wine_prefix_up "$top/build/wine/check"
wine_install_binaries build/bin
if ! wine_run 'C:\napagent\napagent.exe' install >build/wine/check-install.log; then
    cat build/wine/check-install.log
    exit 1
fi
prove --exec tests/wine/exec-test.sh "$@"
