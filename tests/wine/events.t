#!/usr/bin/env bash
# What napagent reports to Event Viewer during a real flow. Wine's event log stores nothing, so
# the test names a record file (Parameters\EventRecordFile, documented in docs/events.md) and
# reads the "ID TYPE inserts" lines the service appended.
source "$(dirname "$0")/tap.sh"
PARAMS='HKLM\System\CurrentControlSet\Services\napagent\Parameters'
RECORD="$WINEPREFIX/drive_c/napagent/events.txt"
PROBE="$(dirname "$0")/../../build/tests/probe_ec_initialize.exe"
NAPCTL='C:\napagent\napctl.exe'
ID=2030043137   # 0x79000001 shares no id with the other tests' live registrations
NAMED="$ID (Enablement Probe)"   # components are named by id and friendly name

rm -f "$RECORD"
wine net stop napagent >/dev/null 2>&1
wine reg add "$PARAMS" /v EventRecordFile /t REG_SZ /d 'C:\napagent\events.txt' /f >/dev/null 2>&1
ok $? "record file configured"
wine net start napagent >/dev/null 2>&1; ok $? "service started"
wine "$PROBE" $ID >/dev/null 2>&1
wine "$PROBE" --register $ID >/dev/null 2>&1
wine "$NAPCTL" enforcement enable $ID >/dev/null 2>&1; ok $? "napctl enforcement enable"
wine "$PROBE" $ID >/dev/null 2>&1
wine "$PROBE" --unregister $ID >/dev/null 2>&1
wine net stop napagent >/dev/null 2>&1
wine reg delete "$PARAMS" /v EventRecordFile /f >/dev/null 2>&1
diag "$(tr '\n' ';' < "$RECORD" 2>/dev/null)"

# The file is written in Windows text mode: CRLF line ends.
has() { tr -d '\r' < "$RECORD" 2>/dev/null | grep -q -- "$1"; }
has '^26 4 '; ok $? "26 (information): service started, with its version"
has "^6 2 $ID\$"; ok $? "6 (warning): EC $ID initialize refused, not registered (no name known)"
has "^102 4 enforcement client|$NAMED\$"; ok $? "102 (information): EC $NAMED registered"
has "^105 2 $NAMED\$"; ok $? "105 (warning): EC $NAMED initialize refused while disabled"
has "^104 4 $NAMED|enabled\$"; ok $? "104 (information): EC $NAMED enabled by the administrator"
has "^9 4 $NAMED\$"; ok $? "9 (information): EC $NAMED initialized"
has "^10 4 $NAMED\$"; ok $? "10 (information): EC $NAMED uninitialized"
has "^103 4 enforcement client|$NAMED\$"; ok $? "103 (information): EC $NAMED unregistered, still named"
has '^100 4 $'; ok $? "100 (information): service stopped"
tap_done
