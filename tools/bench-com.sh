#!/usr/bin/env bash
# make bench, COM side: the service under Wine in a private prefix, benchmark clients against it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
source tools/wine-prefix.sh
trap wine_prefix_down EXIT
wine_prefix_up "$top/build/wine/bench"
wine_install_binaries build/bin
wine_run 'C:\napagent\napagent.exe' install >/dev/null
wine_run net start napagent >/dev/null
cp build/tests/bench_com_calls.exe build/tests/probe_ec_client.exe build/tests/bench_service_start.exe \
   build/tests/bench_null_service.exe build/tests/bench_service_idle.exe "$WINEPREFIX/drive_c/napagent/"
wine_run 'C:\napagent\bench_com_calls.exe'
# Memory per bound client and idle CPU, against the do-nothing service idle in the same window.
wine_run 'C:\napagent\bench_service_idle.exe'
wine_run net stop napagent >/dev/null
# Starts and stops napagent itself, against a do-nothing service.
wine_run 'C:\napagent\bench_service_start.exe'
