/* The health-change flow across processes: an SHA's NotifySoHChange reaches a bound EC's
 * callback; NotifySoHChangeFailure (or a failing callback) brings the notification back later;
 * GetSoHRequest applies the change, after which no failure is accepted; Uninitialize cancels a
 * pending retry. Also every EC and SHA binding method's answers to wrong order and bad input. */
#include <windows.h>
#include <napagentclasses.h>
#include <napagentdiag.h>
#include <napenforcementclient.h>
#include <napmanagement.h>
#include <napsystemhealthagent.h>
#include "../tap.h"
#include "wine_test.h"
#include "test_clients.h"

#define EC_ID 0x7D000001u
#define SHA_ID 0x7D000101u

static void test_unbound_ec_binding_answers(INapEnforcementClientBinding *ec)
{
    INapEnforcementClientConnection *connection = (void *)0xdeadbeef;
    BOOL hint = 7;
    HRESULT hr;

    hr = INapEnforcementClientBinding_Uninitialize(ec);
    ok(hr == NAP_E_NOT_INITIALIZED, "Uninitialize before Initialize: expected NAP_E_NOT_INITIALIZED, got %#lx", hr);
    hr = INapEnforcementClientBinding_CreateConnection(ec, &connection);
    ok(hr == NAP_E_NOT_INITIALIZED && !connection, "CreateConnection before Initialize: expected NAP_E_NOT_INITIALIZED "
       "and NULL, got %#lx %p", hr, (void *)connection);
    hr = INapEnforcementClientBinding_GetSoHRequest(ec, &own_connection, &hint);
    ok(hr == NAP_E_NOT_INITIALIZED, "GetSoHRequest before Initialize: expected NAP_E_NOT_INITIALIZED, got %#lx", hr);
    hr = INapEnforcementClientBinding_ProcessSoHResponse(ec, &own_connection);
    ok(hr == NAP_E_NOT_INITIALIZED, "ProcessSoHResponse before Initialize: expected NAP_E_NOT_INITIALIZED, got %#lx", hr);
    hr = INapEnforcementClientBinding_NotifyConnectionStateDown(ec, &own_connection);
    ok(hr == NAP_E_NOT_INITIALIZED, "NotifyConnectionStateDown before Initialize: got %#lx", hr);
    hr = INapEnforcementClientBinding_GetSoHRequest(ec, NULL, &hint);
    ok(hr == E_POINTER, "GetSoHRequest(NULL connection): expected E_POINTER, got %#lx", hr);
    hr = INapEnforcementClientBinding_ProcessSoHResponse(ec, NULL);
    ok(hr == E_POINTER, "ProcessSoHResponse(NULL): expected E_POINTER, got %#lx", hr);
    hr = INapEnforcementClientBinding_NotifyConnectionStateDown(ec, NULL);
    ok(hr == E_POINTER, "NotifyConnectionStateDown(NULL): expected E_POINTER, got %#lx", hr);
    hr = INapEnforcementClientBinding_Initialize(ec, EC_ID, NULL);
    ok(hr == E_POINTER, "Initialize(NULL callback): expected E_POINTER, got %#lx", hr);
    hr = INapEnforcementClientBinding_Initialize(ec, 0x7D0000FF, &ec_callback);
    ok(hr == NAP_E_NOT_REGISTERED, "Initialize(unregistered id): expected NAP_E_NOT_REGISTERED, got %#lx", hr);
    hr = INapEnforcementClientBinding_Initialize(ec, EC_ID, &ec_callback);
    ok(hr == NAP_E_ENTITY_DISABLED, "Initialize before the administrator enabled it: expected "
       "NAP_E_ENTITY_DISABLED, got %#lx", hr);
}

static void test_unbound_sha_binding_answers(INapSystemHealthAgentBinding2 *sha)
{
    IsolationInfo *info = (void *)0xdeadbeef;
    BOOL unknown;
    HRESULT hr;

    hr = INapSystemHealthAgentBinding2_NotifySoHChange(sha);
    ok(hr == NAP_E_NOT_INITIALIZED, "SHA NotifySoHChange before Initialize: expected NAP_E_NOT_INITIALIZED, got %#lx", hr);
    hr = INapSystemHealthAgentBinding2_FlushCache(sha);
    ok(hr == NAP_E_NOT_INITIALIZED, "SHA FlushCache before Initialize: got %#lx", hr);
    hr = INapSystemHealthAgentBinding2_GetSystemIsolationInfo(sha, &info, &unknown);
    ok(hr == NAP_E_NOT_INITIALIZED && !info, "SHA GetSystemIsolationInfo before Initialize: got %#lx %p", hr,
       (void *)info);
    hr = INapSystemHealthAgentBinding2_Uninitialize(sha);
    ok(hr == NAP_E_NOT_INITIALIZED, "SHA Uninitialize before Initialize: got %#lx", hr);
    hr = INapSystemHealthAgentBinding2_Initialize(sha, SHA_ID, NULL);
    ok(hr == E_POINTER, "SHA Initialize(NULL callback): expected E_POINTER, got %#lx", hr);
}

static void test_sha_isolation_info(INapSystemHealthAgentBinding2 *sha)
{
    IsolationInfo *info = NULL;
    IsolationInfoEx *info_ex = NULL;
    BOOL unknown = TRUE;
    HRESULT hr;

    hr = INapSystemHealthAgentBinding2_GetSystemIsolationInfo(sha, &info, &unknown);
    ok(hr == S_OK && info && info->isolationState == isolationStateNotRestricted && !unknown,
       "GetSystemIsolationInfo: expected S_OK, NotRestricted, no unknown connections; got %#lx state %d",
       hr, info ? (int)info->isolationState : -1);
    if (info)
        CoTaskMemFree(info->failureUrl.string);
    CoTaskMemFree(info);
    hr = INapSystemHealthAgentBinding2_GetSystemIsolationInfoEx(sha, &info_ex, &unknown);
    ok(hr == S_OK && info_ex && info_ex->extendedIsolationState == extendedIsolationStateNoData,
       "GetSystemIsolationInfoEx: expected S_OK and NoData, got %#lx", hr);
    if (info_ex)
        CoTaskMemFree(info_ex->failureUrl.string);
    CoTaskMemFree(info_ex);
    hr = INapSystemHealthAgentBinding2_FlushCache(sha);
    ok(hr == S_OK, "FlushCache: expected S_OK, got %#lx", hr);
}

static void test_failure_retry_apply(INapEnforcementClientBinding *ec, INapSystemHealthAgentBinding2 *sha)
{
    BOOL hint = FALSE;
    long delay;
    HRESULT hr;

    hr = INapEnforcementClientBinding_NotifySoHChangeFailure(ec);
    ok(hr == NAP_E_NOT_PENDING, "failure with no change pending: expected NAP_E_NOT_PENDING, got %#lx", hr);

    hr = INapSystemHealthAgentBinding2_NotifySoHChange(sha);
    ok(hr == S_OK, "SHA NotifySoHChange: expected S_OK, got %#lx", hr);
    delay = wait_ec_notification(2000);
    ok(delay >= 0, "the EC was notified promptly, after %ld ms", delay);

    hr = INapEnforcementClientBinding_NotifySoHChangeFailure(ec);
    ok(hr == S_OK, "first NotifySoHChangeFailure: expected S_OK, got %#lx", hr);
    delay = wait_ec_notification(6000);
    diag("first retry after %ld ms (policy: 2 s, jitter only shortens)", delay);
    ok(delay >= 1000 && delay <= 3000, "the agent notified again after its first delay: %ld ms", delay);

    hr = INapEnforcementClientBinding_NotifySoHChangeFailure(ec);
    ok(hr == S_OK, "second NotifySoHChangeFailure: expected S_OK, got %#lx", hr);
    delay = wait_ec_notification(8000);
    diag("second retry after %ld ms (policy: 4 s)", delay);
    ok(delay >= 2500 && delay <= 5000, "the second delay backed off: %ld ms", delay);

    hr = INapEnforcementClientBinding_GetSoHRequest(ec, &own_connection, &hint);
    ok(hr == S_OK && hint, "GetSoHRequest applies the change: expected S_OK and a retrigger hint, got %#lx %d", hr, hint);
    hr = INapEnforcementClientBinding_NotifySoHChangeFailure(ec);
    ok(hr == NAP_E_NOT_PENDING, "a failure after GetSoHRequest: expected NAP_E_NOT_PENDING, got %#lx", hr);
    ok(ec_notifications == 3, "exactly three ec_notifications for one change, got %ld", ec_notifications);
}

static void test_failing_callback_is_retried(INapSystemHealthAgentBinding2 *sha, INapEnforcementClientBinding *ec)
{
    BOOL hint;
    long delay;
    HRESULT hr;

    ec_notify_answer = E_FAIL;
    hr = INapSystemHealthAgentBinding2_NotifySoHChange(sha);
    ok(hr == S_OK, "a new change after the last was applied: expected S_OK, got %#lx", hr);
    delay = wait_ec_notification(2000);
    ok(delay >= 0, "a new cycle notified the EC, after %ld ms", delay);
    ec_notify_answer = S_OK;
    delay = wait_ec_notification(6000);
    ok(delay >= 1000 && delay <= 3000, "a callback answering E_FAIL is retried like a reported failure: %ld ms", delay);
    hr = INapEnforcementClientBinding_GetSoHRequest(ec, &own_connection, &hint);
    ok(hr == S_OK, "and applied with GetSoHRequest, got %#lx", hr);
}

static void test_uninitialize_cancels_retry(INapSystemHealthAgentBinding2 *sha, INapEnforcementClientBinding *ec)
{
    LONG before;
    long delay;
    HRESULT hr;

    hr = INapSystemHealthAgentBinding2_NotifySoHChange(sha);
    delay = wait_ec_notification(2000);
    ok(hr == S_OK && delay >= 0, "another change notified, after %ld ms", delay);
    hr = INapEnforcementClientBinding_NotifySoHChangeFailure(ec);
    ok(hr == S_OK, "failure reported, got %#lx", hr);
    hr = INapEnforcementClientBinding_Uninitialize(ec);
    ok(hr == S_OK, "Uninitialize with a retry pending: expected S_OK, got %#lx", hr);
    before = ec_notifications;
    delay = wait_ec_notification(3000);
    ok(delay < 0 && ec_notifications == before, "no notification after Uninitialize (waited 3 s), got %ld", ec_notifications - before);
    hr = INapEnforcementClientBinding_NotifySoHChangeFailure(ec);
    ok(hr == NAP_E_NOT_INITIALIZED, "failure after Uninitialize: expected NAP_E_NOT_INITIALIZED, got %#lx", hr);
}

int main(void)
{
    INapEnforcementClientBinding *ec = NULL, *second = NULL;
    INapSystemHealthAgentBinding2 *sha = NULL;
    INapClientManagement *management = NULL;
    INapAgentDiagnostics *diagnostics = NULL;
    NapComponentRegistrationInfo info;
    WCHAR ec_name[] = L"flow test EC", sha_name[] = L"flow test SHA";
    HRESULT hr;
    sha_callback_id = SHA_ID;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    ec_notified = CreateEventW(NULL, TRUE, FALSE, NULL);
    hr = CoCreateInstance(&CLSID_NapClientManagement, NULL, CLSCTX_INPROC_SERVER, &IID_INapClientManagement,
                          (void **)&management);
    if (FAILED(hr))
    {
        diag("CoCreateInstance(CLSID_NapClientManagement): %#lx", hr);
        tap_bail("cannot create NapClientManagement");
    }
    diagnostics = create_object(&CLSID_NapAgentDiagnostics, CLSCTX_LOCAL_SERVER, &IID_INapAgentDiagnostics);
    ec = create_object(&CLSID_NapEnforcementClientBinding, CLSCTX_INPROC_SERVER, &IID_INapEnforcementClientBinding);
    second = create_object(&CLSID_NapEnforcementClientBinding, CLSCTX_INPROC_SERVER, &IID_INapEnforcementClientBinding);
    hr = CoCreateInstance(&CLSID_NapSystemHealthAgentBinding, NULL, CLSCTX_INPROC_SERVER,
                          &IID_INapSystemHealthAgentBinding2, (void **)&sha);
    ok(hr == S_OK, "SHA binding, in-process activation: expected S_OK, got %#lx", hr);
    if (!diagnostics || !ec || !second || !sha)
        tap_bail("cannot create the bindings");

    fill_registration(&info, EC_ID, ec_name, ComponentTypeEnforcementClientSoH);
    hr = INapClientManagement_RegisterEnforcementClient(management, &info);
    ok(hr == S_OK, "register the EC: expected S_OK, got %#lx", hr);
    fill_registration(&info, SHA_ID, sha_name, 0);
    hr = INapClientManagement_RegisterSystemHealthAgent(management, &info);
    ok(hr == S_OK, "register the SHA: expected S_OK, got %#lx", hr);

    test_unbound_ec_binding_answers(ec);
    test_unbound_sha_binding_answers(sha);

    hr = INapAgentDiagnostics_SetEnforcementClientEnabled(diagnostics, EC_ID, TRUE);
    ok(hr == S_OK, "enable the EC: expected S_OK, got %#lx", hr);
    hr = INapEnforcementClientBinding_Initialize(ec, EC_ID, &ec_callback);
    ok(hr == S_OK, "EC Initialize once enabled: expected S_OK, got %#lx", hr);
    hr = INapEnforcementClientBinding_Initialize(ec, EC_ID, &ec_callback);
    ok(hr == HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED), "a second Initialize: expected %#lx, got %#lx",
       HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED), hr);
    hr = INapEnforcementClientBinding_Initialize(second, EC_ID, &ec_callback);
    ok(hr == HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED), "another binding for a bound id: expected %#lx, got %#lx",
       HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED), hr);
    hr = INapClientManagement_UnregisterEnforcementClient(management, EC_ID);
    ok(hr == NAP_E_STILL_BOUND, "unregister a bound EC: expected NAP_E_STILL_BOUND, got %#lx", hr);
    hr = INapSystemHealthAgentBinding2_Initialize(sha, SHA_ID, &sha_callback);
    ok(hr == S_OK, "SHA Initialize: expected S_OK, got %#lx", hr);

    test_sha_isolation_info(sha);
    test_failure_retry_apply(ec, sha);
    test_failing_callback_is_retried(sha, ec);
    test_uninitialize_cancels_retry(sha, ec);

    hr = INapSystemHealthAgentBinding2_Uninitialize(sha);
    ok(hr == S_OK, "SHA Uninitialize: expected S_OK, got %#lx", hr);
    hr = INapClientManagement_UnregisterEnforcementClient(management, EC_ID);
    ok(hr == S_OK, "unregister the EC: expected S_OK, got %#lx", hr);
    hr = INapClientManagement_UnregisterSystemHealthAgent(management, SHA_ID);
    ok(hr == S_OK, "unregister the SHA: expected S_OK, got %#lx", hr);

    INapEnforcementClientBinding_Release(second);
    INapEnforcementClientBinding_Release(ec);
    INapSystemHealthAgentBinding2_Release(sha);
    INapAgentDiagnostics_Release(diagnostics);
    INapClientManagement_Release(management);
    CoUninitialize();
    return tap_done();
}
