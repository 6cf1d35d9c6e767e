#!/usr/bin/env bash
# The configuration in Parameters: napctl show config reflects the registry beside the values in
# effect; a bad value (wrong type, out of range, a first delay beyond the cap) never stops the
# service: it is reported (event 117, seen through the record file of docs/events.md) and its
# default is used; napctl set retry persists across a restart; napctl's errors when the service
# is stopped or not installed, and for bad command lines.
source "$(dirname "$0")/tap.sh"
NAPAGENT='C:\napagent\napagent.exe'
NAPCTL='C:\napagent\napctl.exe'
PARAMS='HKLM\System\CurrentControlSet\Services\napagent\Parameters'
RECORD="$WINEPREFIX/drive_c/napagent/config-events.txt"

# param JSON NAME FIELD: one field of one parameter of show config --json ("<undef>" for null).
param() {
    perl -MJSON::PP -e '
        my $d = eval { JSON::PP->new->decode(do { local $/; <STDIN> }) };
        if (!$d) { print "<bad json: $@>"; exit }
        my $v = $d->{parameters}{$ARGV[0]}{$ARGV[1]};
        print defined $v ? $v : "<undef>";
    ' "$2" "$3" <<<"$1"
}
reg_dword() { wine reg add "$PARAMS" /v "$1" /t REG_DWORD /d "$2" /f >/dev/null 2>&1; }
restart() { wine net stop napagent >/dev/null 2>&1; wine net start napagent >/dev/null 2>&1 && wait_running; }
recorded() { tr -d '\r' < "$RECORD" 2>/dev/null | grep -c -- "$1"; }
# Under Wine, net start may return before the service wrote its start events: event 26 is the
# last one a start writes, so once it is in the record every start-time event is.
start_recorded() {
    for _ in $(seq 100); do [ "$(recorded '^26 4 ')" -ge 1 ] && return 0; sleep 0.1; done
    return 1
}

wine net stop napagent >/dev/null 2>&1
wine reg delete "$PARAMS" /f >/dev/null 2>&1
rm -f "$RECORD"
wine reg add "$PARAMS" /v EventRecordFile /t REG_SZ /d 'C:\napagent\config-events.txt' /f >/dev/null 2>&1
wine reg add "$PARAMS" /v RetryMaxDelayMs /t REG_SZ /d fast /f >/dev/null 2>&1
reg_dword RetryInitialDelayMs 5000
reg_dword RetryJitterPermille 100
reg_dword RetryWarningAttempts 0

wine net start napagent >/dev/null 2>&1 && wait_running; ok $? "the service starts with bad values in Parameters"
start_recorded; ok $? "its start is recorded (event 26)"
[[ "$(wine sc query napagent 2>/dev/null)" == *RUNNING* ]]; ok $? "sc query: RUNNING"
[ "$(recorded '^117 2 RetryMaxDelayMs|a REG_SZ value .* where a REG_DWORD is expected|120000 (the default)$')" = 1 ]
ok $? "event 117 (warning): RetryMaxDelayMs is a REG_SZ, 120000 used"
[ "$(recorded '^117 2 RetryWarningAttempts|0 is out of range (1 to 4294967295)|10 (the default)$')" = 1 ]
ok $? "event 117 (warning): RetryWarningAttempts 0 is out of range, 10 used"
[ "$(recorded '^117 ')" = 2 ]; ok $? "no event for the valid values ($(recorded '^117 ') events 117)"
diag "$(tr '\n' ';' < "$RECORD" 2>/dev/null)"

json=$(napctl show config --json); rc=$?
ok $rc "show config --json: exit $rc"
[ "$(param "$json" RetryMaxDelayMs state) $(param "$json" RetryMaxDelayMs registryType) $(param "$json" RetryMaxDelayMs effectiveValue)" = "invalid REG_SZ 120000" ]
ok $? "RetryMaxDelayMs: invalid REG_SZ, 120000 in effect ($(param "$json" RetryMaxDelayMs problem))"
[ "$(param "$json" RetryInitialDelayMs state) $(param "$json" RetryInitialDelayMs configuredValue) $(param "$json" RetryInitialDelayMs effectiveValue)" = "configured 5000 5000" ]
ok $? "RetryInitialDelayMs: configured 5000, in effect"
[ "$(param "$json" RetryJitterPermille configuredValue) $(param "$json" RetryJitterPermille effectiveValue)" = "100 100" ]
ok $? "RetryJitterPermille: configured 100, in effect"
[ "$(param "$json" RetryWarningAttempts state) $(param "$json" RetryWarningAttempts configuredValue) $(param "$json" RetryWarningAttempts effectiveValue)" = "invalid 0 10" ]
ok $? "RetryWarningAttempts: invalid 0, the default 10 in effect"
[ "$(param "$json" RetryBackoffFactorPermille state) $(param "$json" RetryBackoffFactorPermille configuredValue) $(param "$json" RetryBackoffFactorPermille effectiveValue) $(param "$json" RetryBackoffFactorPermille minimum)..$(param "$json" RetryBackoffFactorPermille maximum)" = "absent <undef> 2000 1000..10000" ]
ok $? "RetryBackoffFactorPermille: absent, the default 2000 in effect, range 1000..10000"
[ "$(param "$json" EventRecordFile state)|$(param "$json" EventRecordFile registryType)|$(param "$json" EventRecordFile configuredValue)|$(param "$json" EventRecordFile effectiveValue)" = 'configured|REG_SZ|C:\napagent\config-events.txt|C:\napagent\config-events.txt' ]
ok $? "EventRecordFile: configured REG_SZ, the file in use ($(param "$json" EventRecordFile effectiveValue))"
text=$(napctl show config); rc=$?
[[ $rc -eq 0 && $text =~ RetryMaxDelayMs\ +invalid\ +120000 && $text =~ RetryInitialDelayMs\ +5000\ +5000 && $text == *"REG_SZ"* ]]
ok $? "show config (text) says the same"

# Inconsistent values: a first delay beyond the cap gives way to the default.
reg_dword RetryMaxDelayMs 3000
reg_dword RetryWarningAttempts 12
rm -f "$RECORD"
restart; ok $? "restarted with RetryMaxDelayMs 3000 below RetryInitialDelayMs 5000"
start_recorded; ok $? "its start is recorded (event 26)"
[ "$(recorded '^117 2 RetryInitialDelayMs|5000 is more than RetryMaxDelayMs (3000)|2000 (the default)$')" = 1 ]
ok $? "event 117: RetryInitialDelayMs 5000 is more than RetryMaxDelayMs (3000), 2000 used"
json=$(napctl show config --json)
[ "$(param "$json" RetryInitialDelayMs state) $(param "$json" RetryInitialDelayMs effectiveValue) $(param "$json" RetryMaxDelayMs effectiveValue)" = "invalid 2000 3000" ]
ok $? "show config: RetryInitialDelayMs invalid, 2000 in effect below the cap 3000"

# napctl set retry: applied and written; a restart keeps it.
out=$(napctl set retry RetryInitialDelayMs=2500 max=90000 warning=7); rc=$?
ok $rc "napctl set retry RetryInitialDelayMs=2500 max=90000 warning=7: exit $rc"
json=$(napctl show config --json)
[ "$(param "$json" RetryInitialDelayMs configuredValue) $(param "$json" RetryInitialDelayMs effectiveValue) $(param "$json" RetryMaxDelayMs effectiveValue) $(param "$json" RetryWarningAttempts effectiveValue)" = "2500 2500 90000 7" ]
ok $? "written to Parameters and in effect at once"
[ "$(recorded '^118 4 2500|2000|90000|100|7$')" = 1 ]
ok $? "event 118 (information): the administrator's new policy, every value"
[[ "$(wine reg query "$PARAMS" /v RetryInitialDelayMs 2>/dev/null | tr -d '\r')" == *"REG_DWORD"*"0x9c4"* ]]
ok $? "the registry holds RetryInitialDelayMs as REG_DWORD 2500"
rm -f "$RECORD"
restart; ok $? "restarted"
start_recorded; ok $? "its start is recorded (event 26)"
json=$(napctl show config --json)
[ "$(param "$json" RetryInitialDelayMs state) $(param "$json" RetryInitialDelayMs effectiveValue) $(param "$json" RetryMaxDelayMs effectiveValue) $(param "$json" RetryWarningAttempts effectiveValue)" = "configured 2500 90000 7" ]
ok $? "the policy set with napctl survived the restart"
[ "$(recorded '^117 ')" = 0 ]; ok $? "and is valid: no event 117"
out=$(napctl set retry factor=999); rc=$?
[[ $rc -eq 2 && $out == *"RetryBackoffFactorPermille=999 is out of range: 1000 to 10000"* ]]
ok $? "set retry factor=999: exit 2, with the range (got $rc: $out)"
[ "$(param "$(napctl show config --json)" RetryBackoffFactorPermille state)" = absent ]
ok $? "and nothing was written"

# Bad command lines: exit 2 before the service is even asked.
for bad in "show" "show bogus" "show state --yaml" "show config --json extra" "set" "set foo a=1" "set retry" \
           "set retry initial" "set retry bogus=1" "set retry initial=abc" "set retry initial=1 initial=2" \
           "set retry initial=-1" "set retry initial=4294967296"; do
    out=$(napctl $bad); rc=$?
    [[ $rc -eq 2 ]]; ok $? "napctl $bad: exit 2 (got $rc: ${out%%$'\n'*})"
done
out=$(napctl --help)
[[ $out == *"show state [--json]"* && $out == *"show config [--json]"* && $out == *"set retry NAME=VALUE"* ]]
ok $? "napctl --help lists show state, show config and set retry"

wine net stop napagent >/dev/null 2>&1
for cmd in "show state" "show config --json" "set retry initial=3000"; do
    out=$(napctl $cmd); rc=$?
    [[ $rc -eq 4 && $out == *"net start napagent"* ]]; ok $? "service stopped: napctl $cmd exits 4 and says how to start it (got $rc)"
done
[[ "$(wine sc query napagent 2>/dev/null)" == *STOPPED* ]]; ok $? "napctl did not start the service"

wine reg delete "$PARAMS" /f >/dev/null 2>&1
wine "$NAPAGENT" uninstall >/dev/null 2>&1
for cmd in "show state --json" "show config" "set retry initial=3000"; do
    out=$(napctl $cmd); rc=$?
    [[ $rc -eq 3 && $out == *"napagent.exe install"* ]]; ok $? "not installed: napctl $cmd exits 3 and says how to install (got $rc)"
done
wine "$NAPAGENT" install >/dev/null 2>&1; ok $? "reinstalled"
tap_done
