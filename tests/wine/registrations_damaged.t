#!/usr/bin/env bash
# Garbage in the persisted registrations: a key whose name is no id, a key with a value of the
# wrong type, a key with values missing. The service starts anyway, reports each one (event 121,
# seen through the record file), ignores them, and loses nothing else: a good registration made
# before is still there and usable.
source "$(dirname "$0")/tap.sh"
NAPCTL='C:\napagent\napctl.exe'
PROBE="$(dirname "$0")/../../build/tests/probe_ec_initialize.exe"
PARAMS='HKLM\System\CurrentControlSet\Services\napagent\Parameters'
REGS='HKLM\System\CurrentControlSet\Services\napagent\Registrations'
RECORD="$WINEPREFIX/drive_c/napagent/damaged-events.txt"
GOOD=0x76000001

recorded() { tr -d '\r' < "$RECORD" 2>/dev/null | grep -c -- "$1"; }

wine "$PROBE" --register $GOOD >/dev/null 2>&1
wine "$NAPCTL" enforcement enable $GOOD >/dev/null 2>&1; ok $? "a good EC $GOOD registered and enabled"
wine net stop napagent >/dev/null 2>&1
rm -f "$RECORD"
wine reg add "$PARAMS" /v EventRecordFile /t REG_SZ /d 'C:\napagent\damaged-events.txt' /f >/dev/null 2>&1
wine reg add "$REGS\\EnforcementClients\\not-an-id" /v Enabled /t REG_DWORD /d 1 /f >/dev/null 2>&1 \
    && wine reg add "$REGS\\EnforcementClients\\76000002" /v FriendlyName /t REG_DWORD /d 7 /f >/dev/null 2>&1 \
    && wine reg add "$REGS\\SystemHealthAgents\\76000003" /v Enabled /t REG_DWORD /d 1 /f >/dev/null 2>&1
ok $? "three damaged registrations written"
wine net start napagent >/dev/null 2>&1 && wait_running; ok $? "the service starts with damaged registrations"
for _ in $(seq 100); do [ "$(recorded '^26 4 ')" -ge 1 ] && break; sleep 0.1; done
diag "$(tr -d '\r' < "$RECORD" 2>/dev/null | tr '\n' ';')"
[ "$(recorded '^121 2 EnforcementClients\\not-an-id|')" -eq 1 ]; ok $? "event 121 for the key that is no id"
[ "$(recorded '^121 2 EnforcementClients\\76000002|')" -eq 1 ]; ok $? "event 121 for the value of the wrong type"
[ "$(recorded '^121 2 SystemHealthAgents\\76000003|')" -eq 1 ]; ok $? "event 121 for the missing values"

json=$(napctl show state --json); rc=$?
ok $rc "napctl show state answers (exit $rc)"
ids=$(perl -MJSON::PP -e 'my $d = JSON::PP->new->decode(do { local $/; <STDIN> });
    print join(",", map { $_->{id} } @{$d->{enforcementClients}}, @{$d->{systemHealthAgents}})' <<<"$json")
[[ ",$ids," == *",$((GOOD)),"* ]]; ok $? "the good EC is still registered ($ids)"
[[ ",$ids," != *",$((0x76000002)),"* && ",$ids," != *",$((0x76000003)),"* ]]; ok $? "the damaged ones are not"
out=$(wine "$PROBE" $GOOD 2>/dev/null | tr -d '\r')
[[ $out == *"initialize: 0x00000000"* ]]; ok $? "the good EC, still enabled, can bind ($(echo $out | tr '\n' ' '))"

wine "$PROBE" --unregister $GOOD >/dev/null 2>&1
wine net stop napagent >/dev/null 2>&1
wine reg delete "$REGS\\EnforcementClients\\not-an-id" /f >/dev/null 2>&1
wine reg delete "$REGS\\EnforcementClients\\76000002" /f >/dev/null 2>&1
wine reg delete "$REGS\\SystemHealthAgents\\76000003" /f >/dev/null 2>&1
wine reg delete "$PARAMS" /v EventRecordFile /f >/dev/null 2>&1
tap_done
