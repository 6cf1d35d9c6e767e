/* What one call leaves behind. Each operation runs WARM_UP times, then the service's heap bytes
 * in use (INapAgentDiagnostics::GetResourceUsage, a HeapWalk) are read, the operation runs
 * NAPAGENT_HEAP_CALLS times (default 500), and they are read again: bytes kept per call, which
 * must stay under KEPT_LIMIT. Ping, which allocates nothing of ours, is the baseline.
 *
 * This is how the soak's slope (docs/performance.md) was found: Wine's stubs kept every [in]
 * structure passed by reference (40 bytes for an SoH, 56 for an IsolationInfo) until
 * tools/ndr-in-struct-on-stack.awk gave those parameters a server allocation size. The SHA's
 * CompareSoHRequests runs its stub in this process, so this process's heap is checked too.
 * make bench prints the same figures. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <napagentclasses.h>
#include <napagentdiag.h>
#include <napenforcementclient.h>
#include <napmanagement.h>
#include <napsystemhealthagent.h>
#include "../tap.h"
#include "test_clients.h"
#include "../../napctl/diagnostics_results.h"
#include "../../service/heap_in_use.h"

#define EC_ID 0x73000001u
#define SHA_ID 0x73000101u
#define SPARE_EC_ID 0x73000002u
#define SPARE_SHA_ID 0x73000102u
#define WARM_UP 100
/* A leak of the kind fixed here is 40 bytes or more per call; transient noise is 0 over
 * hundreds of calls. */
#define KEPT_LIMIT 8.0

static INapAgentDiagnostics *diagnostics;
static INapSystemHealthAgentBinding *sha;
static INapEnforcementClientBinding *ec;       /* bound while the EC is notified of changes */
static INapEnforcementClientConnection *connection;
static INapEnforcementClientBinding *bound_ec; /* the test's EC, bound for the whole test */
static INapClientManagement *management;
/* Bound and unbound again by the binding pair operations, under ids of their own. */
static INapEnforcementClientBinding *spare_ec;
static INapSystemHealthAgentBinding *spare_sha;

static BOOL ping(void)
{
    return SUCCEEDED(INapAgentDiagnostics_Ping(diagnostics));
}

/* The SHA reports a change and the agent asks it for its SoH (GetSoHRequest on the SHA's
 * callback, with a request object of the service's). When an EC is bound and the SoH changed,
 * it is notified and applies the change (GetSoHRequest on its connection). */
static BOOL sha_change(void)
{
    LONG asked = sha_soh_requests, notified = ec_notifications;
    BOOL retrigger;

    if (FAILED(INapSystemHealthAgentBinding_NotifySoHChange(sha))
        || !wait_sha_count(&sha_soh_requests, asked + 1, 5000))
        return FALSE;
    if (!ec || sha_same_soh || FAILED(sha_get_soh_answer))
        return TRUE;
    for (DWORD start = GetTickCount(); ec_notifications == notified; Sleep(0))
        if (GetTickCount() - start > 5000)
            return FALSE;
    /* Until the EC applies a change, later changes fold into it and are not notified. */
    return SUCCEEDED(INapEnforcementClientBinding_GetSoHRequest(ec, connection, &retrigger));
}

static BOOL set_soh_response(void)
{
    BYTE bytes[8] = {0};
    NetworkSoHResponse response = {sizeof(bytes), bytes};

    /* The answer does not matter here (these bytes are no valid response): the call is made. */
    INapEnforcementClientConnection_SetSoHResponse(connection, &response);
    return TRUE;
}

static BOOL set_isolation_info(void)
{
    WCHAR url[] = L"http://fix.example/";
    IsolationInfo info = {isolationStateNotRestricted, {0}, {ARRAYSIZE(url) - 1, url}};

    return SUCCEEDED(INapEnforcementClientConnection_SetIsolationInfo(connection, &info));
}

/* Calls with [out] results the service allocates and its stub frees after sending. */
static void free_isolation_info(IsolationInfo *info)
{
    if (info)
        CoTaskMemFree(info->failureUrl.string);
    CoTaskMemFree(info);
}

static BOOL get_isolation_info(void)
{
    IsolationInfo *info = NULL;
    BOOL unknown;
    HRESULT hr = INapClientManagement_GetSystemIsolationInfo(management, &info, &unknown);

    free_isolation_info(info);
    return SUCCEEDED(hr);
}

static BOOL get_state(void)
{
    NapAgentState *state = NULL;
    HRESULT hr = INapAgentDiagnostics_GetState(diagnostics, &state);

    free_state(state);
    return SUCCEEDED(hr);
}

static BOOL get_configuration(void)
{
    NapAgentParameter *parameters = NULL;
    UINT32 count = 0;
    HRESULT hr = INapAgentDiagnostics_GetConfiguration(diagnostics, &count, &parameters);

    free_parameters(parameters, count);
    return SUCCEEDED(hr);
}

static BOOL get_connection_isolation(void)
{
    IsolationInfo *info = NULL;
    HRESULT hr = INapEnforcementClientConnection_GetIsolationInfo(connection, &info);

    free_isolation_info(info);
    return SUCCEEDED(hr);
}

/* Objects and bindings made and given back. */
static BOOL connection_made_and_released(void)
{
    INapEnforcementClientConnection *made = NULL;

    if (FAILED(INapEnforcementClientBinding_CreateConnection(bound_ec, &made)))
        return FALSE;
    /* Reported down first: the agent keeps a connection it was not told of until the EC unbinds. */
    INapEnforcementClientBinding_NotifyConnectionStateDown(bound_ec, made);
    INapEnforcementClientConnection_Release(made);
    return TRUE;
}

static BOOL ec_bound_and_unbound(void)
{
    return SUCCEEDED(INapEnforcementClientBinding_Initialize(spare_ec, SPARE_EC_ID, &ec_callback))
        && SUCCEEDED(INapEnforcementClientBinding_Uninitialize(spare_ec));
}

static BOOL sha_bound_and_unbound(void)
{
    return SUCCEEDED(INapSystemHealthAgentBinding_Initialize(spare_sha, SPARE_SHA_ID, &sha_callback))
        && SUCCEEDED(INapSystemHealthAgentBinding_Uninitialize(spare_sha));
}

static UINT64 service_heap(void)
{
    NapAgentResourceUsage usage = {0};

    INapAgentDiagnostics_GetResourceUsage(diagnostics, &usage);
    return usage.heapBytes;
}

struct kept
{
    BOOL ran;
    double service, own; /* bytes per call */
};

static struct kept bytes_kept(BOOL (*op)(void), int calls)
{
    struct kept kept = {FALSE, 0, 0};
    UINT64 service_before, own_before;

    for (int i = 0; i < WARM_UP; ++i)
        if (!op())
            return kept;
    /* The service's worker finishes what the last call started before the heap is walked. */
    Sleep(300);
    service_before = service_heap();
    own_before = heap_bytes_in_use();
    for (int i = 0; i < calls; ++i)
        if (!op())
            return kept;
    Sleep(300);
    kept.service = ((double)service_heap() - (double)service_before) / calls;
    kept.own = ((double)heap_bytes_in_use() - (double)own_before) / calls;
    kept.ran = TRUE;
    return kept;
}

static void check(const char *what, BOOL (*op)(void), int calls, BOOL check_own)
{
    struct kept kept = bytes_kept(op, calls);

    ok(kept.ran, "%s: %d calls made", what, calls);
    ok(kept.ran && kept.service < KEPT_LIMIT, "%s: the service keeps %+.1f heap bytes per call", what, kept.service);
    if (check_own)
        ok(kept.ran && kept.own < KEPT_LIMIT, "%s: this process (its stub) keeps %+.1f heap bytes per call", what,
           kept.own);
    diag("heap per call: %-58s service %+6.1f bytes, this process %+6.1f bytes", what, kept.service, kept.own);
}

int main(void)
{
    const char *calls_env = getenv("NAPAGENT_HEAP_CALLS");
    int calls = calls_env && atoi(calls_env) > 0 ? atoi(calls_env) : 500;
    INapSystemHealthAgentBinding *unused_sha;
    NapComponentRegistrationInfo info;
    BOOL retrigger;
    WCHAR ec_name[] = L"heap test EC", sha_name[] = L"heap test SHA";
    HRESULT hr;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    sha_callback_id = SHA_ID;
    sha_event = CreateEventW(NULL, FALSE, FALSE, NULL);
    if (!create_client_objects(&management, &diagnostics, &bound_ec, &unused_sha))
        tap_bail("cannot reach napagent");
    sha = create_object(&CLSID_NapSystemHealthAgentBinding, CLSCTX_INPROC_SERVER, &IID_INapSystemHealthAgentBinding);
    fill_registration(&info, SHA_ID, sha_name, 0);
    hr = INapClientManagement_RegisterSystemHealthAgent(management, &info);
    if (SUCCEEDED(hr))
        hr = sha ? INapSystemHealthAgentBinding_Initialize(sha, SHA_ID, &sha_callback) : E_FAIL;
    ok(hr == S_OK, "the test's SHA bound: got %#lx", hr);
    hr = register_enabled_ec(management, diagnostics, EC_ID, ec_name);
    if (SUCCEEDED(hr))
        hr = INapEnforcementClientBinding_Initialize(bound_ec, EC_ID, &ec_callback);
    if (SUCCEEDED(hr))
        hr = INapEnforcementClientBinding_CreateConnection(bound_ec, &connection);
    ok(hr == S_OK, "the test's EC bound, with a connection: got %#lx", hr);
    if (!connection)
        tap_bail("no EC connection");
    spare_ec = create_object(&CLSID_NapEnforcementClientBinding, CLSCTX_INPROC_SERVER,
                             &IID_INapEnforcementClientBinding);
    spare_sha = create_object(&CLSID_NapSystemHealthAgentBinding, CLSCTX_INPROC_SERVER,
                              &IID_INapSystemHealthAgentBinding);
    hr = spare_ec && spare_sha ? register_enabled_ec(management, diagnostics, SPARE_EC_ID, ec_name) : E_FAIL;
    fill_registration(&info, SPARE_SHA_ID, sha_name, 0);
    if (SUCCEEDED(hr))
        hr = INapClientManagement_RegisterSystemHealthAgent(management, &info);
    ok(hr == S_OK, "a second EC and SHA registered, to bind and unbind: got %#lx", hr);

    check("Ping (the baseline)", ping, calls, FALSE);
    /* The SHA's GetSoHRequest fails without setting an SoH: no [in] structure. */
    sha_get_soh_answer = E_FAIL;
    check("SHA change, its GetSoHRequest fails", sha_change, calls, TRUE);
    sha_get_soh_answer = S_OK;
    /* The SHA sets the same SoH each time: the request's SetSoHRequest, and CompareSoHRequests
     * (E_NOTIMPL: the agent compares bytes) with its stub here; no change for the EC. */
    sha_same_soh = TRUE;
    check("SHA change, SetSoHRequest of the same SoH", sha_change, calls, TRUE);
    sha_same_soh = FALSE;
    /* A new SoH each time, CompareSoHRequests answered (its stub runs here), the EC applies it. */
    /* The failing GetSoHRequest above was a change for the EC (the SHA's SoH went); the EC
     * applies it first, or the changes below would fold into it without a notification. */
    ec = bound_ec;
    ok(SUCCEEDED(INapEnforcementClientBinding_GetSoHRequest(ec, connection, &retrigger)),
       "the EC applied the changes so far");
    sha_compare_answer = S_OK;
    sha_compare_equal = FALSE;
    check("SHA change, a new SoH compared, the EC applies it", sha_change, calls, TRUE);
    sha_compare_answer = E_NOTIMPL;
    ec = NULL;
    check("EC connection's SetSoHResponse", set_soh_response, calls, FALSE);
    check("EC connection's SetIsolationInfo", set_isolation_info, calls, FALSE);
    check("EC connection's GetIsolationInfo", get_connection_isolation, calls, FALSE);
    check("GetSystemIsolationInfo", get_isolation_info, calls, FALSE);
    check("diagnostics GetState", get_state, calls, FALSE);
    check("diagnostics GetConfiguration", get_configuration, calls, FALSE);
    check("CreateConnection, down, released", connection_made_and_released, calls, FALSE);
    check("EC Initialize + Uninitialize", ec_bound_and_unbound, calls, FALSE);
    check("SHA Initialize + Uninitialize", sha_bound_and_unbound, calls, FALSE);

    INapEnforcementClientConnection_Release(connection);
    INapEnforcementClientBinding_Uninitialize(bound_ec);
    INapSystemHealthAgentBinding_Uninitialize(sha);
    INapSystemHealthAgentBinding_Release(sha);
    INapEnforcementClientBinding_Release(spare_ec);
    INapSystemHealthAgentBinding_Release(spare_sha);
    hr = INapClientManagement_UnregisterSystemHealthAgent(management, SHA_ID);
    if (SUCCEEDED(hr))
        hr = INapClientManagement_UnregisterEnforcementClient(management, EC_ID);
    if (SUCCEEDED(hr))
        hr = INapClientManagement_UnregisterSystemHealthAgent(management, SPARE_SHA_ID);
    if (SUCCEEDED(hr))
        hr = INapClientManagement_UnregisterEnforcementClient(management, SPARE_EC_ID);
    ok(hr == S_OK, "the test's ECs and SHAs unregistered: got %#lx", hr);
    release_client_objects(management, diagnostics, bound_ec, unused_sha);
    CloseHandle(sha_event);
    CoUninitialize();
    return tap_done();
}
