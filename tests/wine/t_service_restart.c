/* net stop with clients bound and a retry pending: the service stops within its wait hint, the
 * clients' next calls fail with a transport error instead of hanging, and after a restart the
 * registrations and their enablement are still there and the clients can bind again. */
#include <windows.h>
#include <napagentclasses.h>
#include <napagentdiag.h>
#include <napenforcementclient.h>
#include <napmanagement.h>
#include <napsystemhealthagent.h>
#include "../tap.h"
#include "wine_test.h"
#include "test_clients.h"

#define EC_ID 0x7B000001u
#define SHA_ID 0x7B000101u

static BOOL is_transport_error(HRESULT hr)
{
    return hr == HRESULT_FROM_WIN32(RPC_S_SERVER_UNAVAILABLE) || hr == HRESULT_FROM_WIN32(RPC_S_CALL_FAILED)
        || hr == RPC_E_DISCONNECTED || hr == RPC_E_SERVER_DIED || hr == RPC_E_SERVER_DIED_DNE;
}

int main(void)
{
    static WCHAR ec_name[] = L"restart test EC", sha_name[] = L"restart test SHA";
    INapClientManagement *management;
    INapAgentDiagnostics *diagnostics;
    INapEnforcementClientBinding *ec;
    INapSystemHealthAgentBinding *sha;
    NapComponentRegistrationInfo info;
    SERVICE_STATUS status = {0};
    SC_HANDLE service;
    DWORD start, elapsed;
    long delay;
    HRESULT hr;
    sha_callback_id = SHA_ID;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    ec_notified = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!create_client_objects(&management, &diagnostics, &ec, &sha))
        tap_bail("cannot reach napagent");
    fill_registration(&info, EC_ID, ec_name, ComponentTypeEnforcementClientSoH);
    hr = INapClientManagement_RegisterEnforcementClient(management, &info);
    ok(hr == S_OK, "register the EC: got %#lx", hr);
    fill_registration(&info, SHA_ID, sha_name, 0);
    hr = INapClientManagement_RegisterSystemHealthAgent(management, &info);
    ok(hr == S_OK, "register the SHA: got %#lx", hr);
    hr = INapAgentDiagnostics_SetEnforcementClientEnabled(diagnostics, EC_ID, TRUE);
    ok(hr == S_OK, "enable the EC: got %#lx", hr);
    hr = INapEnforcementClientBinding_Initialize(ec, EC_ID, &ec_callback);
    ok(hr == S_OK, "EC bound: got %#lx", hr);
    hr = INapSystemHealthAgentBinding_Initialize(sha, SHA_ID, &sha_callback);
    ok(hr == S_OK, "SHA bound: got %#lx", hr);
    INapSystemHealthAgentBinding_NotifySoHChange(sha);
    delay = wait_ec_notification(2000);
    hr = INapEnforcementClientBinding_NotifySoHChangeFailure(ec);
    ok(delay >= 0 && hr == S_OK, "a retry is pending: notified after %ld ms, failure reported %#lx", delay, hr);

    service = open_napagent(SERVICE_STOP | SERVICE_QUERY_STATUS);
    start = GetTickCount();
    ok(service && ControlService(service, SERVICE_CONTROL_STOP, &status), "STOP accepted with clients bound");
    while (QueryServiceStatus(service, &status) && status.dwCurrentState != SERVICE_STOPPED
           && GetTickCount() - start < 15000)
        Sleep(10);
    elapsed = GetTickCount() - start;
    diag("stop with 2 clients bound and a retry pending: %lu ms", elapsed);
    ok(status.dwCurrentState == SERVICE_STOPPED && elapsed <= 5000, "STOPPED within the 5 s wait hint: state %lu "
       "after %lu ms", status.dwCurrentState, elapsed);
    CloseServiceHandle(service);

    start = GetTickCount();
    hr = INapEnforcementClientBinding_NotifySoHChangeFailure(ec);
    elapsed = GetTickCount() - start;
    ok(is_transport_error(hr) && elapsed < 2000, "the old binding answers a transport error at once: %#lx in %lu ms",
       hr, elapsed);
    hr = INapSystemHealthAgentBinding_NotifySoHChange(sha);
    ok(is_transport_error(hr), "so does the SHA's: %#lx", hr);
    release_client_objects(management, diagnostics, ec, sha);

    ok(service_start_and_wait(), "net start: the service runs again");
    management = create_object(&CLSID_NapClientManagement, CLSCTX_INPROC_SERVER, &IID_INapClientManagement);
    ec = create_object(&CLSID_NapEnforcementClientBinding, CLSCTX_INPROC_SERVER, &IID_INapEnforcementClientBinding);
    if (!management || !ec)
        tap_bail("cannot reach the restarted napagent");
    hr = INapEnforcementClientBinding_Initialize(ec, EC_ID, &ec_callback);
    ok(hr == S_OK, "registration and enablement survived the restart: Initialize gives %#lx", hr);
    hr = INapEnforcementClientBinding_Uninitialize(ec);
    ok(hr == S_OK, "Uninitialize: got %#lx", hr);
    hr = INapClientManagement_UnregisterEnforcementClient(management, EC_ID);
    ok(hr == S_OK, "unregister the EC: got %#lx", hr);
    hr = INapClientManagement_UnregisterSystemHealthAgent(management, SHA_ID);
    ok(hr == S_OK, "unregister the SHA: got %#lx", hr);
    INapEnforcementClientBinding_Release(ec);
    INapClientManagement_Release(management);
    CoUninitialize();
    service_stop_and_wait();
    return tap_done();
}
