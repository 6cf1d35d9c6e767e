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
   build/tests/bench_null_service.exe build/tests/bench_service_idle.exe build/tests/t_heap_per_call.exe \
   "$WINEPREFIX/drive_c/napagent/"
wine_run 'C:\napagent\bench_com_calls.exe'
# Heap bytes kept per call, from the test that asserts them (make check runs it too).
echo "Heap bytes kept per call (500 calls each after 100 warm-up; Ping is the baseline):"
wine_run 'C:\napagent\t_heap_per_call.exe' | sed -n 's/\r$//; s/^# heap per call: /  /p'
# Memory per bound client and idle CPU, against the do-nothing service idle in the same window:
# the CPU time of both service processes, read from the host at the bench's two marker lines.
cpu_ticks() {   # user + system clock ticks of the process running $1
    local pid
    pid=$(pgrep -f "$1" | head -1)
    [ -n "$pid" ] && awk '{ print $14 + $15 }' "/proc/$pid/stat" || echo 0
}
ticks_per_second=$(getconf CLK_TCK)
wine_run 'C:\napagent\bench_service_idle.exe' | while IFS= read -r line; do
    line=${line%$'\r'}
    case $line in
    "idle window: start")
        agent0=$(cpu_ticks 'napagent\\napagent.exe'); null0=$(cpu_ticks bench_null_service.exe) ;;
    "idle window: end"*)
        agent1=$(cpu_ticks 'napagent\\napagent.exe'); null1=$(cpu_ticks bench_null_service.exe)
        seconds=$(sed -E 's/.* ([0-9]+) ms.*/\1/' <<<"$line"); seconds=$((seconds / 1000))
        bound=$(sed -E 's/.*, ([0-9]+) ECs.*/\1/' <<<"$line")
        awk -v a=$((agent1 - agent0)) -v n=$((null1 - null0)) -v s="$seconds" -v hz="$ticks_per_second" -v b="$bound" 'BEGIN {
            printf "Idle CPU over %d s, same window (nothing pending; host clock ticks of %d ms):\n", s, 1000 / hz
            printf "  baseline do-nothing service              %6.2f ms CPU per second\n", n * 1000 / hz / s
            printf "  napagent, %2d ECs bound                   %6.2f ms CPU per second\n", b, a * 1000 / hz / s }' ;;
    *) echo "$line" ;;
    esac
done
wine_run net stop napagent >/dev/null
# Starts and stops napagent itself, against a do-nothing service.
wine_run 'C:\napagent\bench_service_start.exe'
