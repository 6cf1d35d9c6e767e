#!/usr/bin/env bash
# The administrator's commands: net start / sc query / net stop, and napctl's answers in
# each state (running, stopped, not installed).
source "$(dirname "$0")/tap.sh"
NAPAGENT='C:\napagent\napagent.exe'
NAPCTL='C:\napagent\napctl.exe'

wine net stop napagent >/dev/null 2>&1
wine net start napagent >/dev/null 2>&1; ok $? "net start napagent exits 0"
[[ "$(wine sc query napagent 2>/dev/null)" == *RUNNING* ]]; ok $? "sc query: RUNNING"
# Under Wine the service keeps every interface it serves registered (service/interface_pins.c).
pins=$(grep -a 'served interfaces pinned' "$WINEPREFIX/drive_c/ProgramData/napagent/napagent.log" | tail -1 | tr -d '\r')
[[ $pins =~ Wine:\ ([0-9]+)\ of\ ([0-9]+)\ served && ${BASH_REMATCH[1]} -gt 0 && ${BASH_REMATCH[1]} == "${BASH_REMATCH[2]}" ]]
ok $? "the service pinned every interface it serves, as the Wine workaround wants: ${pins##*] }"
out=$(wine "$NAPCTL" ping 20 2>&1); rc=$?
[[ $rc -eq 0 && "$out" == *"answered 20 pings"* ]]; ok $? "napctl ping while running: $out"
start=$(date +%s%N)
wine net stop napagent >/dev/null 2>&1; ok $? "net stop napagent exits 0"
diag "net stop took $(( ($(date +%s%N) - start) / 1000000 )) ms"
[[ "$(wine sc query napagent 2>/dev/null)" == *STOPPED* ]]; ok $? "sc query: STOPPED"

err=$(wine "$NAPCTL" ping 2>&1 >/dev/null); rc=$?
[[ $rc -eq 4 && "$err" == *"net start napagent"* ]]; ok $? "napctl ping, service stopped: exit 4 and how to start it (got $rc)"
[[ "$(wine sc query napagent 2>/dev/null)" == *STOPPED* ]]; ok $? "napctl did not start the service behind the administrator's back"
err=$(wine "$NAPCTL" frobnicate 2>&1 >/dev/null); rc=$?
[[ $rc -eq 2 && "$err" == *"unknown command"* ]]; ok $? "napctl unknown command: exit 2 (got $rc)"
err=$(wine "$NAPCTL" ping 0 2>&1 >/dev/null); rc=$?
[[ $rc -eq 2 ]]; ok $? "napctl ping 0: out of range, exit 2 (got $rc)"

wine "$NAPAGENT" uninstall >/dev/null 2>&1
err=$(wine "$NAPCTL" ping 2>&1 >/dev/null); rc=$?
[[ $rc -eq 3 && "$err" == *"napagent.exe install"* ]]; ok $? "napctl ping, not installed: exit 3 and how to install (got $rc)"
wine "$NAPAGENT" install >/dev/null 2>&1; ok $? "reinstalled"
tap_done
