#!/usr/bin/env bash
# napagent.exe install / uninstall: every key install writes, uninstall removes; both are
# idempotent; wrong command lines get a message and a non-zero exit code.
source "$(dirname "$0")/tap.sh"
NAPAGENT='C:\napagent\napagent.exe'
EC_CLSID='{9443B89B-6564-496A-B19C-6C6D22709045}'
DIAG_CLSID='{36442454-0A2D-4B61-95DF-F00F5C649860}'
SHA_CLSID='{8E594310-16CA-4A00-932F-F70969F990C0}'
MGMT_CLSID='{EB082BA1-DF8A-46BE-82F3-35BF9E9BE52F}'
IID_SHA_BINDING2='{1140C38E-5100-4EA1-8D43-87D326724028}'
IID_MGMT2='{07A1127B-18CC-422A-B988-E892600FCC74}'
IID_CONNECTION2='{BD244906-70DD-4690-BEEA-648653393500}'
APPID='{D737C024-74C7-438A-BA24-D281270C5A97}'
IID_EC_BINDING='{92B93223-7487-42D9-9A91-5B8507720384}'
IID_EC_CALLBACK='{F5A0B90A-83A1-4F76-BA3F-025418682814}'
IID_DIAG='{0720E5B3-9AC8-47E5-90D1-86A4043ACC50}'
PS_CLSID='{58F3ECAA-B68A-4C58-B81C-CCC631CB6D5B}'
SOH_CLASSES=('{E8140D53-6535-46A5-B8A1-DA6C571DA9B9}' '{AA160628-8775-46E3-837C-F7A2AE66E2F5}')
SVC='HKLM\System\CurrentControlSet\Services\napagent'
EVT='HKLM\System\CurrentControlSet\Services\EventLog\Application\napagent'

check_installed() { # check_installed yes|no
    local want=$1 expect=0 what="present"
    [ "$want" = yes ] || { expect=1; what="absent"; }
    check() { local rc=1; reg_has "$@" && rc=0; [ $rc -eq $expect ]; ok $? "$what: $*"; }
    check "$SVC" ImagePath
    check "HKCR\\CLSID\\$EC_CLSID" AppID
    check "HKCR\\CLSID\\$EC_CLSID\\InprocServer32"
    check "HKCR\\CLSID\\$DIAG_CLSID" AppID
    for clsid in "$SHA_CLSID" "$MGMT_CLSID"; do
        check "HKCR\\CLSID\\$clsid" AppID
        check "HKCR\\CLSID\\$clsid\\InprocServer32"
    done
    for iid in "$IID_SHA_BINDING2" "$IID_MGMT2" "$IID_CONNECTION2"; do
        check "HKCR\\Interface\\$iid\\ProxyStubClsid32"
    done
    check "HKCR\\AppID\\$APPID" LocalService
    check "HKCR\\Interface\\$IID_EC_BINDING\\ProxyStubClsid32"
    check "HKCR\\Interface\\$IID_EC_CALLBACK\\ProxyStubClsid32"
    check "HKCR\\Interface\\$IID_DIAG\\ProxyStubClsid32"
    check "HKCR\\CLSID\\$PS_CLSID\\InprocServer32"
    for clsid in "${SOH_CLASSES[@]}"; do
        check "HKCR\\CLSID\\$clsid\\InprocServer32" ThreadingModel
    done
    check "$EVT" EventMessageFile
    check "$EVT" TypesSupported
}

diag "installed by the harness"
check_installed yes
out=$(wine reg query "HKCR\\AppID\\$APPID" /v LocalService 2>/dev/null)
[[ "$out" == *napagent* ]]; ok $? "AppID LocalService names the napagent service"
out=$(wine sc query napagent 2>/dev/null)
[[ "$out" == *STOPPED* || "$out" == *RUNNING* ]]; ok $? "sc query knows the service"

wine "$NAPAGENT" uninstall >/dev/null 2>&1; ok $? "uninstall exits 0"
check_installed no
out=$(wine sc query napagent 2>&1)
[[ "$out" != *SERVICE_NAME* ]]; ok $? "sc query no longer knows the service"
wine "$NAPAGENT" uninstall >/dev/null 2>&1; ok $? "a second uninstall exits 0"

wine "$NAPAGENT" install >/dev/null 2>&1; ok $? "install exits 0"
wine "$NAPAGENT" install >/dev/null 2>&1; ok $? "a second install (an update) exits 0"
check_installed yes

err=$(wine "$NAPAGENT" bogus 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ]; ok $? "unknown command exits 2 (got $rc)"
[[ "$err" == *"unknown command line"* && "$err" == *Usage* ]]; ok $? "unknown command prints why and the usage"
out=$(wine "$NAPAGENT" --version 2>/dev/null); rc=$?
[[ $rc -eq 0 && "$out" == napagent* ]]; ok $? "--version prints the version"
err=$(wine "$NAPAGENT" 2>&1 >/dev/null); rc=$?
[[ $rc -ne 0 && "$err" == *"net start napagent"* ]]; ok $? "run outside the SCM: says how to start it, exit $rc"
tap_done
