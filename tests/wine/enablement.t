#!/usr/bin/env bash
# An administrator enables and disables a registered enforcement client with napctl (Windows:
# netsh nap client set enforcement ID = n ADMIN = "ENABLE"): a registered EC cannot bind until it
# is enabled, the setting survives a service restart, and disabling refuses the next Initialize.
# probe_ec_initialize.exe plays the EC; it prints "step: 0xHRESULT" lines.
source "$(dirname "$0")/tap.sh"
NAPAGENT='C:\napagent\napagent.exe'
NAPCTL='C:\napagent\napctl.exe'
PROBE="$(dirname "$0")/../../build/tests/probe_ec_initialize.exe"
ID_HEX=0x7F00EC01
ID=$((ID_HEX))
UNKNOWN=$((0x7F00EC02))
S_OK=0x00000000
NAP_E_ENTITY_DISABLED=0x8027000e

probe() { timeout 120 wine "$PROBE" "$@" 2>/dev/null | tr -d '\r'; }
answer() { sed -n "s/^$1: //p" <<<"$2"; } # answer STEP OUTPUT: the HRESULT of that step

wine net start napagent >/dev/null 2>&1
probe --unregister "$ID" >/dev/null  # what a failed earlier run may have left

out=$(probe --register "$ID")
[ "$(answer register "$out")" = $S_OK ]; ok $? "EC $ID registered: $(answer register "$out")"
[ "$(answer initialize "$out")" = $NAP_E_ENTITY_DISABLED ]
ok $? "registered, not enabled: Initialize answers NAP_E_ENTITY_DISABLED (got $(answer initialize "$out"))"

out=$(napctl enforcement enable "$ID"); rc=$?
[[ $rc -eq 0 && "$out" == *"enforcement client $ID (Enablement Probe) enabled"* ]]
ok $? "napctl enforcement enable $ID: exit $rc, '$out'"
out=$(probe "$ID")
[ "$(answer initialize "$out")" = $S_OK ]; ok $? "enabled: Initialize answers S_OK (got $(answer initialize "$out"))"
[ "$(answer uninitialize "$out")" = $S_OK ]; ok $? "and Uninitialize S_OK (got $(answer uninitialize "$out"))"

wine net stop napagent >/dev/null 2>&1; ok $? "net stop napagent"
wine net start napagent >/dev/null 2>&1; ok $? "net start napagent"
out=$(probe "$ID")
[ "$(answer initialize "$out")" = $S_OK ]
ok $? "registration and enablement survived the restart: Initialize S_OK (got $(answer initialize "$out"))"

out=$(napctl enforcement disable "$ID_HEX"); rc=$?
[[ $rc -eq 0 && "$out" == *"enforcement client $ID (Enablement Probe) disabled"* ]]
ok $? "napctl enforcement disable $ID_HEX: exit $rc, '$out'"
out=$(probe "$ID")
[ "$(answer initialize "$out")" = $NAP_E_ENTITY_DISABLED ]
ok $? "disabled again: Initialize answers NAP_E_ENTITY_DISABLED (got $(answer initialize "$out"))"

out=$(napctl enforcement enable "$UNKNOWN"); rc=$?
[[ $rc -eq 1 && "$out" == *"no enforcement client with id $UNKNOWN is registered"* ]]
ok $? "unknown id: exit 1 and says so (got $rc: '$out')"
for bad in abc 0x 0x1g -1 +5 4294967296 0x100000000 ' 12' ''; do
    out=$(napctl enforcement enable "$bad"); rc=$?
    [[ $rc -eq 2 && "$out" == *"decimal"* ]]; ok $? "bad id '$bad': exit 2 with how to write one (got $rc)"
done
out=$(napctl enforcement enable); rc=$?
[[ $rc -eq 2 ]]; ok $? "no id: exit 2 (got $rc)"
out=$(napctl enforcement toggle "$ID"); rc=$?
[[ $rc -eq 2 && "$out" == *"enable|disable"* ]]; ok $? "enforcement toggle: exit 2 (got $rc)"
out=$(napctl --help)
[[ "$out" == *"enforcement enable|disable ID"* ]]; ok $? "napctl --help shows the enforcement commands"

wine net stop napagent >/dev/null 2>&1
out=$(napctl enforcement enable "$ID"); rc=$?
[[ $rc -eq 4 && "$out" == *"net start napagent"* ]]; ok $? "service stopped: exit 4 and how to start it (got $rc)"

wine net start napagent >/dev/null 2>&1
out=$(probe --unregister "$ID")
[ "$(answer unregister "$out")" = $S_OK ]; ok $? "cleaned up: EC $ID unregistered ($(answer unregister "$out"))"
wine net stop napagent >/dev/null 2>&1

wine "$NAPAGENT" uninstall >/dev/null 2>&1
out=$(napctl enforcement disable "$ID"); rc=$?
[[ $rc -eq 3 && "$out" == *"napagent.exe install"* ]]; ok $? "not installed: exit 3 and how to install (got $rc)"
wine "$NAPAGENT" install >/dev/null 2>&1; ok $? "reinstalled"
tap_done
