#!/usr/bin/env bash
# regsvr32 registers and removes qagent.dll's keys; a client without the proxy/stubs gets a
# clear failure instead of a hang, and works again once they are registered.
source "$(dirname "$0")/tap.sh"
QAGENT='C:\napagent\qagent.dll'
DEMO="$(dirname "$0")/../../build/bin/demo_client.exe"
IID_EC_BINDING='{92B93223-7487-42D9-9A91-5B8507720384}'
EC_CLSID='{9443B89B-6564-496A-B19C-6C6D22709045}'

wine regsvr32 /u /s "$QAGENT" >/dev/null 2>&1; ok $? "regsvr32 /u qagent.dll exits 0"
reg_has "HKCR\\Interface\\$IID_EC_BINDING"; [ $? -ne 0 ]; ok $? "interface key removed"
reg_has "HKCR\\CLSID\\$EC_CLSID\\InprocServer32"; [ $? -ne 0 ]; ok $? "InprocServer32 removed"
reg_has "HKCR\\CLSID\\$EC_CLSID" AppID; ok $? "the service's own AppID registration is left alone"

out=$(timeout 120 wine "$DEMO" 2>&1); rc=$?
[ $rc -eq 1 ]; ok $? "demo client without proxy/stubs exits 1 (got $rc)"
[[ "$out" == *"regsvr32 qagent.dll"* ]]; ok $? "and says how to fix it"
diag "${out//$'\n'/ | }"

wine regsvr32 /s "$QAGENT" >/dev/null 2>&1; ok $? "regsvr32 qagent.dll exits 0"
reg_has "HKCR\\Interface\\$IID_EC_BINDING\\ProxyStubClsid32"; ok $? "interface key back"
reg_has "HKCR\\CLSID\\$EC_CLSID\\InprocServer32" ThreadingModel; ok $? "InprocServer32 back, with a threading model"
out=$(timeout 120 wine "$DEMO" 2>&1); rc=$?
[ $rc -eq 0 ]; ok $? "demo client works again (exit $rc)"
wine net stop napagent >/dev/null 2>&1
tap_done
