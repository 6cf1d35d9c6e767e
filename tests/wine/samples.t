#!/usr/bin/env bash
# The samples of docs/developer-guide.md (what make run shows) keep working: the EC registers
# disabled, is enabled, fails its first two notifications; the SHA's firewall is restricted by the
# sample server, fixes itself, and both reach full access in separate processes.
source "$(dirname "$0")/tap.sh"
NAPCTL='C:\napagent\napctl.exe'
EC_ID=16776976   # examples/sample_ids.h
SHA_ID=16776961
PARAMS='HKLM\System\CurrentControlSet\Services\napagent\Parameters'
RECORD="$WINEPREFIX/drive_c/napagent/sample-events.txt"

# The events of the flow, through the record file (Wine's event log keeps nothing).
rm -f "$RECORD"
wine net stop napagent >/dev/null 2>&1
wine reg add "$PARAMS" /v EventRecordFile /t REG_SZ /d 'C:\napagent\sample-events.txt' /f >/dev/null 2>&1
wine net start napagent >/dev/null 2>&1 && wait_running; ok $? "service started with a record file"

out=$(timeout 60 wine 'C:\napagent\sample_ec.exe' --register 2>/dev/null); rc=$?
[[ $rc -eq 0 && $out == *NAP_E_ENTITY_DISABLED* ]]; ok $? "sample EC registers and is told it is disabled (rc $rc)"
wine "$NAPCTL" enforcement enable $EC_ID >/dev/null 2>&1; ok $? "napctl enforcement enable $EC_ID"

ec_log=$(mktemp); sha_log=$(mktemp)
timeout 90 wine 'C:\napagent\sample_ec.exe' --fail 2 60 >"$ec_log" 2>/dev/null &
ec=$!
sleep 1
timeout 90 wine 'C:\napagent\sample_sha.exe' 60 >"$sha_log" 2>/dev/null &
sha=$!
ec_rc=0; wait $ec || ec_rc=$?
sha_rc=0; wait $sha || sha_rc=$?
diag "$(tr -d '\r' < "$ec_log" | tr '\n' ';')"
diag "$(tr -d '\r' < "$sha_log" | tr '\n' ';')"
[[ $ec_rc -eq 0 ]]; ok $? "sample EC reached full access (rc $ec_rc)"
[[ $sha_rc -eq 0 ]]; ok $? "sample SHA saw full access after its fix-up (rc $sha_rc)"
failures=$(grep -c 'NotifySoHChangeFailure' "$ec_log")
[[ $failures -eq 2 ]]; ok $? "the EC failed exactly 2 notifications and the agent retried (got $failures)"
grep -q 'RESTRICTED, fix-up page http://remediation.contoso.test/firewall' "$ec_log"
ok $? "the first exchange restricted the VPN with the remediation URL"
grep -q 'NOT compliant; we may fix it (shaFixup)' "$sha_log"; ok $? "the SHA got its verdict with shaFixup"
grep -q 'isolation state changed: full access' "$sha_log"; ok $? "the SHA was told of full access"
rm -f "$ec_log" "$sha_log"
wine "$NAPCTL" enforcement disable $EC_ID >/dev/null 2>&1
wine net stop napagent >/dev/null 2>&1
wine reg delete "$PARAMS" /v EventRecordFile /f >/dev/null 2>&1
has() { tr -d '\r' < "$RECORD" 2>/dev/null | grep -q -- "$1"; }
diag "$(tr -d '\r' < "$RECORD" 2>/dev/null | tr '\n' ';')"
has "^120 4 $SHA_ID "; ok $? "120: the SHA's new SoH reported"
has '^18 4 restricted access$'; ok $? "18: isolation state changed to restricted access"
has '^18 4 not restricted$'; ok $? "18: and back to not restricted"
has "^111 2 $EC_ID .*|2|"; ok $? "111: the EC's second failure reported with its attempt"

# Like every shell-driven test: napagent is left installed and stopped.
tap_done
