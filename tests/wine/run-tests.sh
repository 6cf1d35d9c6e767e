#!/usr/bin/env bash
# Runs the Windows tests under Wine: one private prefix for the whole run, napagent installed
# the README's way, every test a separate client process, all reported through prove.
# The prefix's wineserver is gone afterwards, whatever happened.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
source tools/wine-prefix.sh
trap wine_prefix_down EXIT

# make soak uses a prefix of its own, so that make check can run meanwhile.
prefix=${NAPAGENT_TEST_PREFIX:-build/wine/check}
echo "# preparing a private Wine prefix ($prefix)"
wine_prefix_up "$top/$prefix"
wine_install_binaries build/bin
if ! wine_run 'C:\napagent\napagent.exe' install >"$prefix-install.log"; then
    cat "$prefix-install.log"
    exit 1
fi
# A failed run shows the end of the service's own log: often all a CI run leaves to read.
if ! prove --exec tests/wine/exec-test.sh "$@"; then
    service_log=$WINEPREFIX/drive_c/ProgramData/napagent/napagent.log
    if [ -f "$service_log" ]; then
        echo "# the last 60 lines of $prefix's service log:" >&2
        tail -n 60 "$service_log" | sed 's/^/#   /' >&2
    fi
    exit 1
fi
