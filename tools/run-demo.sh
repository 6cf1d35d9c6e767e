#!/usr/bin/env bash
# make run: napagent end to end for a newcomer, each step labelled. Leaves the prefix and the
# service log in build/wine/run for a look afterwards; no wineserver is left running.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
source tools/wine-prefix.sh
trap wine_prefix_down EXIT

step() { printf '\n== %s\n' "$*"; }
prefix="$top/build/wine/run"

step "1/7 A private Wine prefix (a small Windows) under build/wine/run"
wine_prefix_up "$prefix"
echo "ready: WINEPREFIX=$prefix"

step "2/7 Install, as an administrator would on Windows: copy build/bin to C:\\napagent, run napagent.exe install"
wine_install_binaries build/bin
wine_run 'C:\napagent\napagent.exe' install

step "3/7 The service is installed and stopped (sc query napagent)"
wine_run sc query napagent | grep -E 'SERVICE_NAME|STATE'

step "4/7 A client creates the documented NAP binding class; COM activation starts the service"
wine_run 'C:\napagent\demo_client.exe'

step "5/7 The service now runs (sc query), and answers napctl"
wine_run sc query napagent | grep -E 'SERVICE_NAME|STATE'
wine_run 'C:\napagent\napctl.exe' ping 200

step "6/7 Stop the service (net stop napagent)"
wine_run net stop napagent

step "7/7 Where to look"
echo "service log:  $prefix/drive_c/ProgramData/napagent/napagent.log"
sed 's/^/    /' "$prefix/drive_c/ProgramData/napagent/napagent.log" | tail -n 8
echo "Wine prefix:  $prefix (explore with: WINEPREFIX=$prefix wine cmd)"
echo "the tests:    make check"
