#!/usr/bin/env bash
# The service log's folder and file (service/service_log.c, service/install.c): install takes over
# a folder someone made first and refuses a link in its place; the service writes nothing through
# a link, a file with a second name, or a folder or file of another owner (event 126, and it keeps
# running); LogMaxBytes caps the file, rotation keeps napagent.log.1 and .2 and loses no line; a
# reader that blocks the rotation makes the service drop lines, never pass the cap.
#
# What Wine 8 can show, measured (docs/architecture.md, "Where Wine differs"):
# - A junction or symbolic link cannot be made from Windows code: `mklink /J` says "Failed to
#   open", `mklink /D` and `mklink` exit 0 and make nothing, CreateSymbolicLinkW returns TRUE and
#   makes nothing (a stub), DeviceIoControl(FSCTL_SET_REPARSE_POINT) fails with
#   ERROR_NOT_SUPPORTED. What Wine reports as a reparse point is a Unix symbolic link to a folder:
#   GetFileAttributesW and FindFirstFileW say FILE_ATTRIBUTE_REPARSE_POINT (0x410), but a handle
#   opened with FILE_FLAG_OPEN_REPARSE_POINT opens the target and its attributes say 0x10. So
#   the links below are Unix symbolic links, and what is tested is the check by path; the check
#   through the handle (the swap between check and open) is not visible under Wine. A Unix
#   symbolic link to a file is no reparse point to Wine (0x20 both ways): not tested.
# - Wine keeps no owner or DACL (log_acl.h): the owner is the Unix user's SID, or Anonymous
#   (S-1-5-7) for a file of another uid; a DACL set becomes mode bits. So "another owner" is a
#   chown to nobody, and "anybody may write" a chmod 777.
# - A Unix hard link is a second name to Wine (nNumberOfLinks 2).
source "$(dirname "$0")/tap.sh"
NAPAGENT='C:\napagent\napagent.exe'
NAPCTL='C:\napagent\napctl.exe'
PROBE="$(dirname "$0")/../../build/tests/probe_log_file.exe"
PARAMS='HKLM\System\CurrentControlSet\Services\napagent\Parameters'
C=$WINEPREFIX/drive_c
DIR=$C/ProgramData/napagent
WIN_DIR='C:\ProgramData\napagent'
SAVED=$C/log-file-t-saved      # the harness's log folder, put back at the end
ELSEWHERE=$C/log-elsewhere     # where a planted link points: must stay untouched
VICTIM=$C/log-victim.txt       # a file a planted hard link also names: must stay untouched
PLANTED=$C/log-planted         # a folder a planted link points to: must stay untouched
RECORD=$C/napagent/log-events.txt
CAP=65536
FIRST=$((0x7A000000))          # ids of the flood lines (none registered)

recorded() { tr -d '\r' < "$RECORD" 2>/dev/null | grep -c -- "$1"; }
# Restarts the service with a fresh record file; exit 0 once it runs and has reported its start
# (event 26 comes after any event 126 or 117 of the start).
restart() {
    wine net stop napagent >/dev/null 2>&1
    rm -f "$RECORD"
    wine net start napagent >/dev/null 2>&1 && wait_running || return 1
    for _ in $(seq 100); do [ "$(recorded '^26 4 ')" -ge 1 ] && return 0; sleep 0.1; done
    return 1
}
napagent_install() { wine "$NAPAGENT" install 2>&1 | tr -d '\r'; return "${PIPESTATUS[0]}"; }
# A fresh folder as install makes it.
fresh_folder() { wine net stop napagent >/dev/null 2>&1; rm -rf "$DIR"; napagent_install >/dev/null; }
flood() { wine "$PROBE" flood "$1" "$2" 2>/dev/null | tr -d '\r'; }
# The flood ids a log file holds, first and last: "FIRST LAST", or "" when none.
flood_range() { grep -a -o 'enforcement client [0-9]* enable' "$1" 2>/dev/null | awk '{print $3}' | sed -n '1p;$p' | xargs; }
size() { stat -c %s "$1" 2>/dev/null || echo 0; }
skip() { tap_count=$((tap_count + 1)); echo "ok $tap_count # SKIP $*"; }
# A file of another owner takes root (chown); run as a user, those checks are skipped.
touch "$C/log-chown-probe"
can_chown=; chown nobody "$C/log-chown-probe" 2>/dev/null && can_chown=1
rm -f "$C/log-chown-probe"

wine net stop napagent >/dev/null 2>&1
rm -rf "$SAVED" "$ELSEWHERE" "$VICTIM" "$PLANTED"
mv "$DIR" "$SAVED"
wine reg add "$PARAMS" /v EventRecordFile /t REG_SZ /d 'C:\napagent\log-events.txt' /f >/dev/null 2>&1

diag "install over a folder somebody made first, writable by all, with planted files"
mkdir "$DIR" && chmod 777 "$DIR"
[ -n "$can_chown" ] && echo planted > "$DIR/napagent.log" && chown nobody "$DIR/napagent.log"
echo victim > "$VICTIM" && ln "$VICTIM" "$DIR/napagent.log.1"
echo other > "$DIR/other.txt"
out=$(wine "$PROBE" acl folder "$WIN_DIR" 2>/dev/null); rc=$?; out=${out//$'\r'/}
[ $rc -eq 1 ] && [[ $out == *"S-1-1-0 may write"* ]]; ok $? "before install, the probe sees Everyone may write: ${out//$'\n'/; }"
out=$(napagent_install); rc=$?
[ $rc -eq 0 ] && [[ $out == *"secured the service log folder $WIN_DIR"* ]]; ok $? "install exits 0 and secures the folder (exit $rc)"
out2=$(wine "$PROBE" acl folder "$WIN_DIR" 2>/dev/null); rc=$?; out2=${out2//$'\r'/}
[ $rc -eq 0 ]; ok $? "after install, owner and DACL are what install sets: ${out2//$'\n'/; }"
if [ -n "$can_chown" ]; then
    [ ! -e "$DIR/napagent.log" ] && [[ $out == *"removed $WIN_DIR\\napagent.log: its owner is S-1-5-7"* ]]
    ok $? "the planted napagent.log of another owner was removed, and install said why"
else skip "a file of another owner takes root"; fi
[ ! -e "$DIR/napagent.log.1" ] && [[ $out == *"removed $WIN_DIR\\napagent.log.1: it has 2 names"* ]]
ok $? "the planted hard link napagent.log.1 was removed, and install said why"
[ "$(cat "$VICTIM")" = victim ] && [ "$(stat -c %h "$VICTIM")" -eq 1 ]; ok $? "the file it named is untouched"
[ "$(cat "$DIR/other.txt" 2>/dev/null)" = other ]; ok $? "a file the service never writes is left as it was"

diag "install with a link to a folder named napagent.log.2 in the folder"
mkdir "$PLANTED" && echo keep > "$PLANTED/keep.txt" && ln -s ../../log-planted "$DIR/napagent.log.2"
out=$(napagent_install); rc=$?
[ $rc -ne 0 ] && [[ $out == *"$WIN_DIR\\napagent.log.2 is a folder, or a junction or symbolic link to one"* ]]
ok $? "install refuses it and says which, exit $rc"
[ "$(cat "$PLANTED/keep.txt" 2>/dev/null)" = keep ]; ok $? "the folder it points to is untouched"
rm "$DIR/napagent.log.2"
out=$(napagent_install); ok $? "once it is removed, install goes through"

diag "install with a symbolic link in place of the folder"
rm -rf "$DIR" && mkdir "$ELSEWHERE" && chmod 777 "$ELSEWHERE" && ln -s ../log-elsewhere "$DIR"
err=$(wine "$NAPAGENT" install 2>&1 >/dev/null); rc=$?; err=${err//$'\r'/}
[ "$rc" -ne 0 ] && [[ $err == *"$WIN_DIR is a junction or symbolic link"* ]]; ok $? "install refuses it, exit $rc: $err"
[ "$(stat -c %a "$ELSEWHERE")" = 777 ] && [ -z "$(ls -A "$ELSEWHERE")" ]; ok $? "what the link points to is untouched"
[[ "$(wine sc query napagent 2>/dev/null)" == *SERVICE_NAME* ]]; ok $? "the refused install changed nothing else: the service is still there"

diag "the service with that link in place of the folder"
restart; ok $? "the service starts and runs"
[ "$(recorded '^126 2 C:\\ProgramData\\napagent|it is a junction or symbolic link')" -eq 1 ]
ok $? "event 126 once: $(tr -d '\r' < "$RECORD" 2>/dev/null | grep '^126' | tr '\n' ';')"
out=$(wine "$NAPCTL" ping 3 2>&1 | tr -d '\r')
[[ $out == *"answered 3 pings"* ]]; ok $? "it keeps serving: $out"
[ -z "$(ls -A "$ELSEWHERE")" ]; ok $? "nothing was written through the link"

diag "the service with napagent.log a second name of another file"
rm "$DIR" && fresh_folder
echo victim > "$VICTIM" && ln "$VICTIM" "$DIR/napagent.log"
restart; ok $? "the service starts and runs"
[ "$(recorded '^126 2 C:\\ProgramData\\napagent\\napagent.log|it has 2 names')" -eq 1 ]
ok $? "event 126 once: $(tr -d '\r' < "$RECORD" 2>/dev/null | grep '^126' | tr '\n' ';')"
[ "$(cat "$VICTIM")" = victim ]; ok $? "nothing was written to the file it names"

wine net stop napagent >/dev/null 2>&1
rm "$DIR/napagent.log"
if [ -n "$can_chown" ]; then
    diag "the service with the folder of another owner"
    chown nobody "$DIR"
    restart; ok $? "the service starts and runs"
    [ "$(recorded '^126 2 C:\\ProgramData\\napagent|its owner is S-1-5-7')" -eq 1 ]
    ok $? "event 126 once: $(tr -d '\r' < "$RECORD" 2>/dev/null | grep '^126' | tr '\n' ';')"
    [ ! -e "$DIR/napagent.log" ]; ok $? "no napagent.log was written"

    diag "the service with napagent.log of another owner"
    wine net stop napagent >/dev/null 2>&1
    chown "$(id -u)" "$DIR" && echo planted > "$DIR/napagent.log" && chown nobody "$DIR/napagent.log"
    restart; ok $? "the service starts and runs"
    [ "$(recorded '^126 2 C:\\ProgramData\\napagent\\napagent.log|its owner is S-1-5-7')" -eq 1 ]
    ok $? "event 126 once: $(tr -d '\r' < "$RECORD" 2>/dev/null | grep '^126' | tr '\n' ';')"
    [ "$(cat "$DIR/napagent.log")" = planted ]; ok $? "nothing was written to it"
else for _ in 1 2 3 4 5 6; do skip "a folder or file of another owner takes root"; done; fi

diag "LogMaxBytes out of range"
fresh_folder
wine reg add "$PARAMS" /v LogMaxBytes /t REG_DWORD /d 1000 /f >/dev/null 2>&1
restart; ok $? "the service starts and runs"
[ "$(recorded '^117 2 LogMaxBytes|1000 is out of range (65536 to 268435456)|4194304 (the default)')" -eq 1 ]
ok $? "event 117 names it and the default: $(tr -d '\r' < "$RECORD" 2>/dev/null | grep '^117' | tr '\n' ';')"
grep -a -q 'service log: at most 4194304 bytes' "$DIR/napagent.log"; ok $? "the log says the default cap is used"
[ "$(recorded '^126 ')" -eq 0 ]; ok $? "no event 126 for a folder install made"

diag "rotation with LogMaxBytes=$CAP"
wine reg add "$PARAMS" /v LogMaxBytes /t REG_DWORD /d $CAP /f >/dev/null 2>&1
restart; ok $? "the service starts and runs"
count=2500
out=$(flood $FIRST $count); ok $? "$out"
for f in napagent.log napagent.log.1 napagent.log.2; do
    s=$(size "$DIR/$f")
    [ -f "$DIR/$f" ] && [ "$s" -le $CAP ]; ok $? "$f exists and is within the cap: $s bytes"
done
[ ! -e "$DIR/napagent.log.3" ]; ok $? "no third old generation"
s1=$(size "$DIR/napagent.log.1"); s2=$(size "$DIR/napagent.log.2")
[ "$s1" -gt $((CAP - 200)) ] && [ "$s2" -gt $((CAP - 200)) ]; ok $? "old generations were full when rotated: $s2, $s1 bytes"
read -r a2 b2 <<<"$(flood_range "$DIR/napagent.log.2")"
read -r a1 b1 <<<"$(flood_range "$DIR/napagent.log.1")"
read -r a0 b0 <<<"$(flood_range "$DIR/napagent.log")"
diag "flood ids: .2 ${a2:-none}..${b2:-none}, .1 ${a1:-none}..${b1:-none}, log ${a0:-none}..${b0:-none}"
[ -n "$b2" ] && [ "$a1" = $((b2 + 1)) ] && [ "$a0" = $((b1 + 1)) ] && [ "$b0" = $((FIRST + count - 1)) ]
ok $? "no line lost across the rotations, the last one in napagent.log"
[ "$(recorded '^126 ')" -eq 0 ]; ok $? "no event 126"

diag "a reader holding the full log without delete sharing"
before=$(md5sum < "$DIR/napagent.log.1")
hold_out=$(mktemp)
rm -f "$C/log-release"
wine "$PROBE" hold "$WIN_DIR\\napagent.log" 'C:\log-release' >"$hold_out" 2>/dev/null &
holder=$!
for _ in $(seq 100); do grep -q holding "$hold_out" && break; sleep 0.1; done
grep -q holding "$hold_out"; ok $? "a reader holds napagent.log"
out=$(flood $((FIRST + 100000)) 1000); ok $? "$out"
s=$(size "$DIR/napagent.log")
[ "$s" -le $CAP ]; ok $? "napagent.log stays within the cap while it cannot be renamed: $s bytes"
[ "$(md5sum < "$DIR/napagent.log.1")" = "$before" ]; ok $? "nothing was rotated meanwhile"
[ "$(recorded '^126 2 C:\\ProgramData\\napagent\\napagent.log|it is full and cannot be renamed')" -eq 1 ]
ok $? "event 126 once: $(tr -d '\r' < "$RECORD" 2>/dev/null | grep '^126' | tr '\n' ';')"
touch "$C/log-release"; wait $holder; rm -f "$hold_out" "$C/log-release"
# The rotation is tried again at most once a second: a few lines until it has been.
for _ in $(seq 30); do
    head -c 200 "$DIR/napagent.log" | grep -a -q 'lines were dropped' && break
    flood $((FIRST + 200000)) 5 >/dev/null; sleep 0.2
done
first_line=$(head -n 1 "$DIR/napagent.log" | tr -d '\r')
[[ $first_line =~ ^\[service\ log\]\ ([0-9]+)\ lines\ were\ dropped ]] && [ "${BASH_REMATCH[1]}" -gt 0 ]
ok $? "once the reader is gone the log rotates and starts with the count of dropped lines: $first_line"
[ "$(recorded '^126 ')" -eq 1 ]; ok $? "no further event 126"

diag "uninstall keeps the log"
out=$(wine "$NAPAGENT" uninstall 2>&1 | tr -d '\r')
[[ $out == *"kept the service log folder $WIN_DIR"* ]] && [ -f "$DIR/napagent.log.1" ]; ok $? "uninstall says it keeps the folder, and does"
out=$(napagent_install); ok $? "install again: ${out%%$'\n'*}"

diag "cleaning up"
wine net stop napagent >/dev/null 2>&1
wine reg delete "$PARAMS" /v LogMaxBytes /f >/dev/null 2>&1
wine reg delete "$PARAMS" /v EventRecordFile /f >/dev/null 2>&1
rm -rf "$DIR" "$ELSEWHERE" "$VICTIM" "$PLANTED" "$RECORD"
mv "$SAVED" "$DIR"; ok $? "the harness's log folder is back"
tap_done
