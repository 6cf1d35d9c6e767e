/* The flow through a system health agent, across processes: the SHA's NotifySoHChange makes the
 * agent call its GetSoHRequest with a request object of the agent's; the SHA's SoH reaches the
 * EC's connection inside the [MS-SOH] network request, at its place; a server's response (built
 * here with the codec) goes back through ProcessSoHResponse to the SHA's ProcessSoHResponse, sets
 * the connection's and the system's isolation state and tells the SHA of the change; orphaned
 * requests; the stand-in SoHs; the cache; and the request object's answers to bad input, inside
 * the call and after it (a request kept past the call is disconnected). */
#include <windows.h>
#include <napagentclasses.h>
#include <napagentdiag.h>
#include <napenforcementclient.h>
#include <napmanagement.h>
#include <napsystemhealthagent.h>
#include <napprotocol.h>
#include "../tap.h"
#include "wine_test.h"
#include "test_clients.h"
#include "test_soh.h"

#define EC_ID 0x7E000001u
#define SHA_ID 0x7E000101u
#define NULL_REF HRESULT_FROM_WIN32(RPC_X_NULL_REF_POINTER)

static struct soh_message decoded;

/* The request on the connection, decoded into `decoded`; the report of SHA_ID or NULL. */
static const struct soh_report *request_report(INapEnforcementClientConnection *connection, CorrelationId *id)
{
    NetworkSoH *request = NULL;
    static BYTE copy[maxNetworkSoHSize];
    const struct soh_report *report = NULL;

    if (FAILED(INapEnforcementClientConnection_GetSoHRequest(connection, &request)) || !request)
        return NULL;
    memcpy(copy, request->data, request->size);
    if (soh_request_decode(copy, request->size, &decoded) == SOH_OK)
        report = find_report(&decoded, SHA_ID);
    CoTaskMemFree(request->data);
    CoTaskMemFree(request);
    if (id)
        INapEnforcementClientConnection_GetCorrelationId(connection, id);
    return report;
}

static UINT8 report_category(const struct soh_report *r, UINT32 *error)
{
    UINT8 category = 0xff;

    *error = 0;
    for (UINT16 i = 0; r && i < r->count; ++i)
    {
        if (r->attributes[i].type == SOH_ATTR_FAILURE_CATEGORY && r->attributes[i].size == 1)
            category = r->attributes[i].value[0];
        if (r->attributes[i].type == SOH_ATTR_ERROR_CODES && r->attributes[i].size >= 4)
            *error = soh_get_u32(r->attributes[i].value);
    }
    return category;
}

/* Results of the request-object probes made inside GetSoHRequest. */
static HRESULT inside_null_set, inside_wrong_id, inside_empty, inside_oversized, inside_response, inside_get_held;
static HRESULT inside_correlation, inside_string, inside_cache_flag;
static BOOL inside_cache_value;
static INapSystemHealthAgentRequest *kept_request;

static void probe_request(INapSystemHealthAgentRequest *request)
{
    BYTE other_id[4] = {0x7E, 0, 0x01, 0x02};
    SoHAttribute attribute = {2, 4, other_id};
    SoH wrong = {1, &attribute}, empty = {0, NULL};
    SoHResponse *response = (void *)0xdeadbeef;
    SoHRequest *held = NULL;
    StringCorrelationId *text = NULL;
    CorrelationId id;
    UINT8 flags = 7;

    inside_null_set = INapSystemHealthAgentRequest_SetSoHRequest(request, NULL, FALSE);
    inside_wrong_id = INapSystemHealthAgentRequest_SetSoHRequest(request, &wrong, FALSE);
    inside_empty = INapSystemHealthAgentRequest_SetSoHRequest(request, &empty, FALSE);
    {
        static BYTE big[maxSoHAttributeSize];
        BYTE own_id[4] = {(BYTE)(SHA_ID >> 24), (BYTE)(SHA_ID >> 16), (BYTE)(SHA_ID >> 8), (BYTE)SHA_ID};
        SoHAttribute attributes[3] = {{2, 4, own_id}, {7, maxSoHAttributeSize, big}, {7, 8, big}};
        SoH oversized = {3, attributes};

        big[3] = 0x37;
        inside_oversized = INapSystemHealthAgentRequest_SetSoHRequest(request, &oversized, FALSE);
    }
    inside_response = INapSystemHealthAgentRequest_GetSoHResponse(request, &response, &flags);
    inside_get_held = INapSystemHealthAgentRequest_GetSoHRequest(request, &held);
    if (held)
    {
        for (UINT16 i = 0; i < held->count; ++i)
            CoTaskMemFree(held->attributes[i].value);
        CoTaskMemFree(held->attributes);
        CoTaskMemFree(held);
    }
    inside_correlation = INapSystemHealthAgentRequest_GetCorrelationId(request, &id);
    inside_string = INapSystemHealthAgentRequest_GetStringCorrelationId(request, &text);
    if (text)
    {
        CoTaskMemFree(text->string);
        CoTaskMemFree(text);
    }
    inside_cache_flag = INapSystemHealthAgentRequest_GetCacheSoHFlag(request, &inside_cache_value);
    INapSystemHealthAgentRequest_AddRef(request);
    kept_request = request;
}

/* ---- SoHs made with qutil.dll's INapSoHConstructor, as SHAs and SHVs make them ---- */

static const char product[] = "qutil test product";
static BYTE vendor_bytes[] = {0xde, 0xad, 0xbe, 0xef, 0x01};

/* An SoH of id, built with the constructor: SystemHealthId (added by Initialize), then the
 * attributes an SHA (request) or its SHV (response) would append. NULL if anything failed. */
static SoH *construct(UINT32 id, BOOL request)
{
    INapSoHConstructor *constructor = NULL;
    SoHAttributeValue value;
    HRESULT codes[2] = {request ? S_OK : 0xC0FF0001, S_OK};
    Ipv4Address servers[2] = {{{10, 0, 0, 1}}, {{10, 0, 0, 2}}};
    SoH *soh = NULL;
    HRESULT hr = CoCreateInstance(&CLSID_NapSoHConstructor, NULL, CLSCTX_INPROC_SERVER, &IID_INapSoHConstructor,
                                  (void **)&constructor);

    if (SUCCEEDED(hr))
        hr = INapSoHConstructor_Initialize(constructor, id, request);
    value.codesVal.count = request ? 1 : 2;
    value.codesVal.results = codes;
    if (SUCCEEDED(hr))
        hr = INapSoHConstructor_AppendAttribute(constructor, sohAttributeTypeComplianceResultCodes, &value);
    value.vendorSpecificVal.vendorId = 311;
    value.vendorSpecificVal.size = sizeof(vendor_bytes);
    value.vendorSpecificVal.vendorSpecificData = vendor_bytes;
    if (SUCCEEDED(hr))
        hr = INapSoHConstructor_AppendAttribute(constructor, sohAttributeTypeVendorSpecific, &value);
    value.octetStringVal.size = sizeof(product) - 1;
    value.octetStringVal.data = (BYTE *)product;
    if (SUCCEEDED(hr) && request)
        hr = INapSoHConstructor_AppendAttribute(constructor, sohAttributeTypeProductName, &value);
    value.v4AddressesVal.count = 2;
    value.v4AddressesVal.addresses = servers;
    if (SUCCEEDED(hr) && !request)
        hr = INapSoHConstructor_AppendAttribute(constructor, sohAttributeTypeIpv4FixupServers, &value);
    if (SUCCEEDED(hr))
        hr = INapSoHConstructor_GetSoH(constructor, &soh);
    if (constructor)
        INapSoHConstructor_Release(constructor);
    if (FAILED(hr))
        diag("INapSoHConstructor: %#lx", hr);
    return SUCCEEDED(hr) ? soh : NULL;
}

static SoH *construct_request(void)
{
    return construct(SHA_ID, TRUE);
}

/* Same attributes, same order, same bytes. */
static BOOL same_attributes(const SoHAttribute *a, UINT16 a_count, const struct soh_attribute *b, UINT16 b_count)
{
    if (a_count != b_count)
        return FALSE;
    for (UINT16 i = 0; i < a_count; ++i)
        if (a[i].type != b[i].type || a[i].size != b[i].size || memcmp(a[i].value, b[i].value, a[i].size))
            return FALSE;
    return TRUE;
}

/* #5's acceptance, across processes: the SHA builds its SoH with INapSoHConstructor, the EC finds
 * it in the network request at its place; a response built with the constructor reaches the SHA's
 * ProcessSoHResponse intact. */
static void test_constructed_sohs(INapSystemHealthAgentBinding2 *sha, INapEnforcementClientBinding *ec,
                                  INapEnforcementClientConnection *connection)
{
    static struct soh_attribute views[SOH_MAX_ATTRIBUTE_COUNT];
    static struct soh_sha_soh part;
    SoH *expected = construct(SHA_ID, TRUE), *answer = construct(SHA_ID, FALSE);
    const struct soh_report *report;
    BYTE bytes[maxNetworkSoHSize];
    NetworkSoH response = {0, bytes};
    struct soh_outgoing msg;
    CorrelationId id;
    size_t size = 0;
    LONG responses;
    BOOL hint, same;
    HRESULT hr;

    ok(expected && answer, "INapSoHConstructor builds the SHA's SoH and its SHV's answer");
    if (!expected || !answer)
        return;
    sha_make_soh = construct_request;
    INapSystemHealthAgentBinding2_NotifySoHChange(sha);
    ok(wait_ec_notification(5000) >= 0, "the constructed SoH is a change for the EC");
    INapEnforcementClientBinding_GetSoHRequest(ec, connection, &hint);
    report = request_report(connection, &id);
    same = report && same_attributes(expected->attributes, expected->count, report->attributes, report->count);
    ok(same, "the request carries the constructed SoH as the SHA's report, attribute for attribute: %u attributes",
       report ? report->count : 0);
    sha_make_soh = NULL;

    /* The server's answer: its SSoHR, and as the SHA's part the SoH the SHV constructed. */
    for (UINT16 i = 0; i < answer->count; ++i)
        views[i] = (struct soh_attribute){answer->attributes[i].type, answer->attributes[i].size,
                                          answer->attributes[i].value};
    part.attributes = views;
    part.count = answer->count;
    memset(&msg, 0, sizeof(msg));
    msg.shas = &part;
    msg.sha_count = 1;
    memcpy(msg.system.correlation_id.conn_id, &id.connId, 16);
    msg.system.correlation_id.time_stamp = (UINT64)id.timeStamp.dwHighDateTime << 32 | id.timeStamp.dwLowDateTime;
    msg.system.present = SOH_ITEM_BIT(SOH_ITEM_QUARANTINE_STATE);
    msg.system.quarantine.isolation_state = isolationStateInProbation;
    msg.system.quarantine.probation_end = 0x01de000000000000ull;
    ok(soh_response_encode(&msg, bytes, sizeof(bytes), &size) == SOH_OK, "the response is encoded: %zu bytes", size);
    response.size = (UINT16)size;
    responses = sha_responses;
    hr = INapEnforcementClientConnection_SetSoHResponse(connection, &response);
    if (SUCCEEDED(hr))
        hr = INapEnforcementClientBinding_ProcessSoHResponse(ec, connection);
    ok(hr == S_OK, "ProcessSoHResponse of the constructed answer: got %#lx", hr);
    same = wait_sha_count(&sha_responses, responses + 1, 5000) && sha_last_response_count == answer->count;
    for (UINT16 i = 0; same && i < answer->count; ++i)
        same = sha_last_response[i].type == answer->attributes[i].type
               && sha_last_response[i].size == answer->attributes[i].size
               && !memcmp(sha_last_response[i].value, answer->attributes[i].value, answer->attributes[i].size);
    ok(same, "the SHA's ProcessSoHResponse got the constructed answer intact: %u attributes", sha_last_response_count);
    sha_free_soh(expected);
    sha_free_soh(answer);
}

int main(void)
{
    INapEnforcementClientBinding *ec = NULL;
    INapSystemHealthAgentBinding2 *sha = NULL;
    INapClientManagement *management = NULL;
    INapAgentDiagnostics *diagnostics = NULL;
    INapEnforcementClientConnection *connection = NULL;
    INapEnforcementClientConnection2 *connection2 = NULL;
    NapComponentRegistrationInfo info;
    WCHAR ec_name[] = L"SHA flow test EC", sha_name[] = L"SHA flow test SHA";
    static const UINT32 sha_ids[] = {SHA_ID};
    const struct soh_report *report;
    IsolationInfoEx *isolation = NULL;
    IsolationInfo *system = NULL;
    BYTE response_bytes[maxNetworkSoHSize];
    NetworkSoH response = {0, response_bytes};
    CorrelationId id;
    BOOL hint = FALSE, unknown = TRUE;
    LONG before;
    BOOL done;
    long delay;
    UINT32 error = 0;
    HRESULT hr;

    sha_callback_id = SHA_ID;
    sha_event = CreateEventW(NULL, FALSE, FALSE, NULL);
    ec_notified = CreateEventW(NULL, TRUE, FALSE, NULL);
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    management = create_object(&CLSID_NapClientManagement, CLSCTX_INPROC_SERVER, &IID_INapClientManagement);
    diagnostics = create_object(&CLSID_NapAgentDiagnostics, CLSCTX_LOCAL_SERVER, &IID_INapAgentDiagnostics);
    ec = create_object(&CLSID_NapEnforcementClientBinding, CLSCTX_INPROC_SERVER, &IID_INapEnforcementClientBinding);
    sha = create_object(&CLSID_NapSystemHealthAgentBinding, CLSCTX_INPROC_SERVER,
                        &IID_INapSystemHealthAgentBinding2);
    if (!management || !diagnostics || !ec || !sha)
        tap_bail("cannot create the objects");
    hr = register_enabled_ec(management, diagnostics, EC_ID, ec_name);
    ok(hr == S_OK, "register and enable the EC: got %#lx", hr);
    fill_registration(&info, SHA_ID, sha_name, 0);
    hr = INapClientManagement_RegisterSystemHealthAgent(management, &info);
    ok(hr == S_OK, "register the SHA: got %#lx", hr);
    hr = INapEnforcementClientBinding_Initialize(ec, EC_ID, &ec_callback);
    ok(hr == S_OK, "EC Initialize: got %#lx", hr);
    hr = INapEnforcementClientBinding_CreateConnection(ec, &connection);
    ok(hr == S_OK && connection, "CreateConnection: got %#lx", hr);
    if (!connection)
        tap_bail("no connection");
    INapEnforcementClientConnection_QueryInterface(connection, &IID_INapEnforcementClientConnection2,
                                                   (void **)&connection2);

    /* Registered, not bound: the agent's stand-in speaks for the SHA. */
    hr = INapEnforcementClientBinding_GetSoHRequest(ec, connection, &hint);
    report = request_report(connection, NULL);
    done = report_category(report, &error) == 2;
    ok(hr == S_OK && report && done && error == (ULONG)NAP_E_NOT_INITIALIZED,
       "an SHA registered but not bound: stand-in ClientComponent / NAP_E_NOT_INITIALIZED, got %#lx %p %#x", hr,
       (void *)report, error);

    hr = INapSystemHealthAgentBinding2_Initialize(sha, SHA_ID, &sha_callback);
    ok(hr == S_OK, "SHA Initialize: got %#lx", hr);
    ok(sha_soh_requests == 0, "Initialize alone does not ask the SHA (documented): got %ld", sha_soh_requests);

    /* The SHA's change: asked for its SoH (and the request object probed), then the EC notified. */
    sha_inside_get_soh = probe_request;
    hr = INapSystemHealthAgentBinding2_NotifySoHChange(sha);
    ok(hr == S_OK, "SHA NotifySoHChange: got %#lx", hr);
    done = wait_sha_count(&sha_soh_requests, 1, 5000);
    ok(done, "the agent asked the SHA for its SoH: %ld calls", sha_soh_requests);
    delay = wait_ec_notification(5000);
    ok(delay >= 0, "the EC was notified: after %ld ms", delay);
    sha_inside_get_soh = NULL;
    ok(inside_null_set == NULL_REF, "request SetSoHRequest(NULL): refused by the proxy, got %#lx", inside_null_set);
    ok(inside_wrong_id == E_INVALIDARG, "request SetSoHRequest with another SHA's id: expected E_INVALIDARG, got %#lx",
       inside_wrong_id);
    ok(inside_empty == E_INVALIDARG, "request SetSoHRequest of an empty SoH: expected E_INVALIDARG, got %#lx",
       inside_empty);
    ok(inside_oversized == E_INVALIDARG, "request SetSoHRequest of an SoH larger than a network SoH (4020 bytes): "
       "expected E_INVALIDARG, got %#lx", inside_oversized);
    ok(inside_response == NAP_E_MISSING_SOH, "request GetSoHResponse inside GetSoHRequest: expected "
       "NAP_E_MISSING_SOH, got %#lx", inside_response);
    ok(inside_get_held == NAP_E_NO_CACHED_SOH, "request GetSoHRequest with nothing held or set: expected "
       "NAP_E_NO_CACHED_SOH, got %#lx", inside_get_held);
    ok(inside_correlation == S_OK && inside_string == S_OK, "request correlation ids: got %#lx %#lx",
       inside_correlation, inside_string);
    ok(inside_cache_flag == S_OK && !inside_cache_value, "request GetCacheSoHFlag before a set: FALSE, got %#lx %d",
       inside_cache_flag, inside_cache_value);
    if (kept_request)
    {
        hr = INapSystemHealthAgentRequest_GetCorrelationId(kept_request, &id);
        /* Windows answers RPC_E_DISCONNECTED; Wine's stub manager, once the object is disconnected,
         * no longer knows the interface. Either way the SHA cannot reach the agent's object. */
        ok(hr == RPC_E_DISCONNECTED || hr == HRESULT_FROM_WIN32(RPC_S_UNKNOWN_IF),
           "a request kept past the call is disconnected: expected RPC_E_DISCONNECTED, got %#lx", hr);
        INapSystemHealthAgentRequest_Release(kept_request);
    }

    /* The EC takes the request: the SHA's SoH, byte for byte, is its report. */
    hr = INapEnforcementClientBinding_GetSoHRequest(ec, connection, &hint);
    report = request_report(connection, &id);
    ok(hr == S_OK && hint, "EC GetSoHRequest after the SHA's change: S_OK and retriggerHint, got %#lx %d", hr, hint);
    ok(report && report->count == 2 && report->attributes[0].type == SOH_ATTR_SYSTEM_HEALTH_ID
       && soh_get_u32(report->attributes[0].value) == SHA_ID && report->attributes[1].type == SOH_ATTR_VENDOR_SPECIFIC
       && report->attributes[1].size == 8 && soh_get_u32(report->attributes[1].value) == 311,
       "the SHA's SystemHealthId and vendor-specific attribute are its report: got %p count %u", (void *)report,
       report ? report->count : 0);
    ok(decoded.reports[0].sha_id <= SHA_ID && decoded.ssoh.size > 0,
       "the SSoH comes first and reports are in id order: first report %#x", decoded.reports[0].sha_id);

    /* The server restricts the machine: the decision reaches the connection, the system and the SHA. */
    before = sha_isolation_notices;
    response.size = make_test_response(&id, isolationStateRestrictedAccess, "http://fix.example.test/", sha_ids, 1,
                                       response_bytes, sizeof(response_bytes));
    hr = INapEnforcementClientConnection_SetSoHResponse(connection, &response);
    ok(hr == S_OK && response.size, "the EC sets the server's response: got %#lx size %u", hr, response.size);
    hr = INapEnforcementClientBinding_ProcessSoHResponse(ec, connection);
    ok(hr == S_OK, "ProcessSoHResponse: got %#lx", hr);
    hr = INapEnforcementClientConnection2_GetIsolationInfoEx(connection2, &isolation);
    ok(hr == S_OK && isolation && isolation->isolationState == isolationStateRestrictedAccess
       && isolation->failureUrl.length == 24 && !wcscmp(isolation->failureUrl.string, L"http://fix.example.test/"),
       "the connection says restricted, with the fix-up URL: got %#lx state %d", hr,
       isolation ? (int)isolation->isolationState : -1);
    if (isolation)
        CoTaskMemFree(isolation->failureUrl.string);
    CoTaskMemFree(isolation);
    done = wait_sha_count(&sha_responses, 1, 5000);
    ok(done && sha_last_flags == shaFixup && sha_last_response_count == 2
       && soh_get_u32(sha_last_response_first) == SHA_ID,
       "the SHA's ProcessSoHResponse got its part with shaFixup: %ld calls, flags %u, %u attributes", sha_responses,
       sha_last_flags, sha_last_response_count);
    done = wait_sha_count(&sha_isolation_notices, before + 1, 5000);
    ok(done, "the SHA was told the isolation state changed: %ld",
       sha_isolation_notices);
    hr = INapSystemHealthAgentBinding2_GetSystemIsolationInfo(sha, &system, &unknown);
    ok(hr == S_OK && system && system->isolationState == isolationStateRestrictedAccess && !unknown,
       "the system is restricted, no unknown connection: got %#lx state %d unknown %d", hr,
       system ? (int)system->isolationState : -1, unknown);
    if (system)
        CoTaskMemFree(system->failureUrl.string);
    CoTaskMemFree(system);

    /* A request that never got its response is orphaned by the next one. */
    before = sha_orphan_notices;
    INapEnforcementClientBinding_GetSoHRequest(ec, connection, &hint);
    INapEnforcementClientBinding_GetSoHRequest(ec, connection, &hint);
    done = wait_sha_count(&sha_orphan_notices, before + 1, 5000);
    ok(done, "the SHA heard of the orphaned request: %ld notices",
       sha_orphan_notices);

    /* Failure of the SHA's GetSoHRequest: the agent's stand-in carries its error. */
    sha_get_soh_answer = E_FAIL;
    ResetEvent(ec_notified);
    INapSystemHealthAgentBinding2_NotifySoHChange(sha);
    delay = wait_ec_notification(5000);
    ok(delay >= 0, "a failing SHA is a change for the EC: after %ld ms", delay);
    INapEnforcementClientBinding_GetSoHRequest(ec, connection, &hint);
    report = request_report(connection, NULL);
    done = report_category(report, &error) == 2;
    ok(done && error == (ULONG)E_FAIL,
       "the stand-in of a failing SHA: ClientComponent / E_FAIL, got error %#x", error);
    sha_get_soh_answer = S_OK;

    /* The same SoH twice is no change: the EC is left alone. */
    INapSystemHealthAgentBinding2_NotifySoHChange(sha);
    delay = wait_ec_notification(5000);
    ok(delay >= 0, "a new SoH is a change again: after %ld ms", delay);
    INapEnforcementClientBinding_GetSoHRequest(ec, connection, &hint);
    sha_same_soh = TRUE;
    before = sha_soh_requests;
    INapSystemHealthAgentBinding2_NotifySoHChange(sha);
    done = wait_sha_count(&sha_soh_requests, before + 1, 5000);
    delay = wait_ec_notification(700);
    ok(done && delay < 0, "an unchanged SoH: the SHA asked (%d), the EC not notified within 700 ms (%ld)", done,
       delay);
    sha_same_soh = FALSE;

    /* A different SoH the SHA itself calls equal (CompareSoHRequests) is no change either. */
    sha_compare_answer = S_OK;
    sha_compare_equal = TRUE;
    before = sha_compares;
    INapSystemHealthAgentBinding2_NotifySoHChange(sha);
    done = wait_sha_count(&sha_compares, before + 1, 5000);
    delay = wait_ec_notification(700);
    ok(done && delay < 0, "a new SoH the SHA calls equal: compared (%d), the EC not notified (%ld)", done, delay);
    sha_compare_equal = FALSE;
    before = sha_compares;
    INapSystemHealthAgentBinding2_NotifySoHChange(sha);
    done = wait_sha_count(&sha_compares, before + 1, 5000);
    delay = wait_ec_notification(5000);
    ok(done && delay >= 0, "a new SoH the SHA calls different: compared (%d), the EC notified (%ld ms)", done, delay);
    sha_compare_answer = E_NOTIMPL;
    INapEnforcementClientBinding_GetSoHRequest(ec, connection, &hint);

    /* Cached SoHs outlive the binding; FlushCache forgets them. */
    sha_cache_soh = TRUE;
    INapSystemHealthAgentBinding2_NotifySoHChange(sha);
    delay = wait_ec_notification(5000);
    ok(delay >= 0, "the cached SoH's change reached the EC: after %ld ms", delay);
    hr = INapSystemHealthAgentBinding2_Uninitialize(sha);
    ok(hr == S_OK, "SHA Uninitialize: got %#lx", hr);
    INapEnforcementClientBinding_GetSoHRequest(ec, connection, &hint);
    report = request_report(connection, NULL);
    ok(report && report->count == 2 && report->attributes[1].type == SOH_ATTR_VENDOR_SPECIFIC,
       "an unbound SHA's cached SoH still goes out: got %u attributes", report ? report->count : 0);
    hr = INapSystemHealthAgentBinding2_Initialize(sha, SHA_ID, &sha_callback);
    ok(hr == S_OK, "SHA Initialize again: got %#lx", hr);
    hr = INapSystemHealthAgentBinding2_FlushCache(sha);
    ok(hr == S_OK, "SHA FlushCache: got %#lx", hr);
    INapEnforcementClientBinding_GetSoHRequest(ec, connection, &hint);
    report = request_report(connection, NULL);
    done = report_category(report, &error) == 3;
    ok(done && error == (ULONG)NAP_E_NO_CACHED_SOH,
       "after FlushCache, a bound SHA not asked since: ClientCommunication / NAP_E_NO_CACHED_SOH, got %#x", error);
    sha_cache_soh = FALSE;

    test_constructed_sohs(sha, ec, connection);

    /* The connection goes down: not restricted again, and the SHA hears of it. */
    before = sha_isolation_notices;
    hr = INapEnforcementClientBinding_NotifyConnectionStateDown(ec, connection);
    ok(hr == S_OK, "NotifyConnectionStateDown: got %#lx", hr);
    done = wait_sha_count(&sha_isolation_notices, before + 1, 5000);
    ok(done, "the SHA was told of the change back: %ld notices",
       sha_isolation_notices);
    hr = INapClientManagement_GetSystemIsolationInfo(management, &system, &unknown);
    ok(hr == S_OK && system && system->isolationState == isolationStateNotRestricted,
       "NapClientManagement: not restricted again, got %#lx state %d", hr, system ? (int)system->isolationState : -1);
    if (system)
        CoTaskMemFree(system->failureUrl.string);
    CoTaskMemFree(system);

    hr = INapSystemHealthAgentBinding2_Uninitialize(sha);
    ok(hr == S_OK, "SHA Uninitialize: got %#lx", hr);
    hr = INapEnforcementClientBinding_Uninitialize(ec);
    ok(hr == S_OK, "EC Uninitialize: got %#lx", hr);
    INapEnforcementClientConnection2_Release(connection2);
    INapEnforcementClientConnection_Release(connection);
    INapClientManagement_UnregisterSystemHealthAgent(management, SHA_ID);
    INapClientManagement_UnregisterEnforcementClient(management, EC_ID);
    INapSystemHealthAgentBinding2_Release(sha);
    INapEnforcementClientBinding_Release(ec);
    INapAgentDiagnostics_Release(diagnostics);
    INapClientManagement_Release(management);
    CoUninitialize();
    return tap_done();
}
