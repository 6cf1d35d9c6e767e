/* The agent's connection objects (INapEnforcementClientConnection and Connection2), used the
 * EC's way, through the proxy: every method's round trip, defaults and refusals; and the binding
 * methods that take a connection: CreateConnection and its limit, GetSoHRequest putting a request
 * and a correlation id on it, ProcessSoHResponse (malformed, mismatched, accepted),
 * NotifyConnectionStateDown. The SoH contents and the flow through SHAs: t_sha_flow.c.
 *
 * Through the proxy a NULL [in] or [out] pointer that the IDL declares as a reference pointer is
 * refused client-side by the marshaller (RPC_X_NULL_REF_POINTER); only [unique] pointers reach
 * the service's E_POINTER. Sizes and counts that the IDL types with [range] are checked by the
 * marshalling code as well (except ProtocolMaxSize and the entity counts, whose [range] our IDL
 * drops, idl/README.md); the tests assert what really comes back. */
#include <windows.h>
#include <stdio.h>
#include <napagentclasses.h>
#include <napagentdiag.h>
#include <napenforcementclient.h>
#include <napmanagement.h>
#include "../tap.h"
#include "wine_test.h"
#include "test_clients.h"
#include "test_soh.h"

#define EC_ID 0x7A000001u
#define OTHER_EC_ID 0x7A000002u
#define SHA_ID 0x7A000101u
#define NULL_REF HRESULT_FROM_WIN32(RPC_X_NULL_REF_POINTER) /* 0x800706F4 */
#define CONNECTION_LIMIT 20

static const GUID zero_guid;

static void free_isolation(IsolationInfo *info)
{
    if (info)
        CoTaskMemFree(info->failureUrl.string);
    CoTaskMemFree(info);
}

static void free_isolation_ex(IsolationInfoEx *info)
{
    if (info)
        CoTaskMemFree(info->failureUrl.string);
    CoTaskMemFree(info);
}

static void free_blob(NetworkSoH *soh)
{
    if (soh)
        CoTaskMemFree(soh->data);
    CoTaskMemFree(soh);
}

static void free_counted(CountedString *s)
{
    if (s)
        CoTaskMemFree(s->string);
    CoTaskMemFree(s);
}

static void register_ec(INapClientManagement *management, INapAgentDiagnostics *diagnostics, UINT32 id)
{
    static WCHAR name[] = L"connection test EC";
    HRESULT hr = register_enabled_ec(management, diagnostics, id, name);

    ok(hr == S_OK, "register and enable EC %#x: expected S_OK, got %#lx", id, hr);
}

static void test_identity(INapEnforcementClientConnection *connection)
{
    INapEnforcementClientConnection2 *connection2 = NULL;
    IUnknown *unknown = NULL;
    void *other = (void *)0xdeadbeef;
    HRESULT hr;

    hr = INapEnforcementClientConnection_QueryInterface(connection, &IID_INapEnforcementClientConnection2,
                                                        (void **)&connection2);
    ok(hr == S_OK && connection2, "QI Connection2: expected S_OK, got %#lx", hr);
    hr = INapEnforcementClientConnection_QueryInterface(connection, &IID_IUnknown, (void **)&unknown);
    ok(hr == S_OK && unknown, "QI IUnknown: expected S_OK, got %#lx", hr);
    hr = INapEnforcementClientConnection_QueryInterface(connection, &IID_INapEnforcementClientBinding, &other);
    ok(hr == E_NOINTERFACE && !other, "QI another interface: expected E_NOINTERFACE and NULL, got %#lx %p", hr, other);
    if (connection2)
        INapEnforcementClientConnection2_Release(connection2);
    if (unknown)
        IUnknown_Release(unknown);

    hr = INapEnforcementClientConnection_Initialize(connection, EC_ID);
    ok(hr == HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED), "Initialize of a connection the agent initialized: "
       "expected %#lx, got %#lx", HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED), hr);
}

static void test_defaults(INapEnforcementClientConnection2 *c)
{
    ProtocolMaxSize max_size = 0;
    UINT8 flags = 0xff;
    ConnectionId *connection_id = NULL;
    CorrelationId correlation;
    StringCorrelationId *text = NULL;
    NetworkSoH *soh = (void *)0xdeadbeef;
    IsolationInfo *info = NULL;
    IsolationInfoEx *info_ex = NULL;
    PrivateData *data = NULL;
    SystemHealthEntityCount count = 7;
    SystemHealthEntityId *ids = (void *)0xdeadbeef;
    BOOL same;
    HRESULT hr;

    hr = INapEnforcementClientConnection2_GetMaxSize(c, &max_size);
    ok(hr == S_OK && max_size == defaultProtocolMaxSize, "default max size: expected S_OK 4000, got %#lx %u", hr, max_size);
    hr = INapEnforcementClientConnection2_GetFlags(c, &flags);
    ok(hr == S_OK && flags == 0, "default flags: expected S_OK 0, got %#lx %u", hr, flags);
    hr = INapEnforcementClientConnection2_GetConnectionId(c, &connection_id);
    same = connection_id && IsEqualGUID(connection_id, &zero_guid);
    ok(hr == S_OK && same, "connection id before SetConnectionId: expected S_OK and GUID_NULL, got %#lx", hr);
    CoTaskMemFree(connection_id);
    memset(&correlation, 0xcc, sizeof(correlation));
    hr = INapEnforcementClientConnection2_GetCorrelationId(c, &correlation);
    same = IsEqualGUID(&correlation.connId, &zero_guid) && !correlation.timeStamp.dwLowDateTime
           && !correlation.timeStamp.dwHighDateTime;
    ok(hr == S_OK && same, "correlation id before any: expected S_OK and all zero, got %#lx", hr);
    hr = INapEnforcementClientConnection2_GetStringCorrelationId(c, &text);
    same = text && text->string && !wcscmp(text->string, L"{00000000-0000-0000-0000-000000000000} - 1601/01/01 00:00:00.000")
           && text->length == wcslen(text->string);
    ok(hr == S_OK && same, "string correlation id before any: got %#lx \"%ls\"", hr,
       text && text->string ? text->string : L"(null)");
    free_counted(text);

    hr = INapEnforcementClientConnection2_GetSoHRequest(c, &soh);
    ok(hr == NAP_E_MISSING_SOH && !soh, "SoH request before any: expected NAP_E_MISSING_SOH and NULL, got %#lx %p",
       hr, (void *)soh);
    soh = (void *)0xdeadbeef;
    hr = INapEnforcementClientConnection2_GetSoHResponse(c, &soh);
    ok(hr == NAP_E_MISSING_SOH && !soh, "SoH response before any: expected NAP_E_MISSING_SOH and NULL, got %#lx %p",
       hr, (void *)soh);

    hr = INapEnforcementClientConnection2_GetIsolationInfo(c, &info);
    same = info && info->isolationState == isolationStateNotRestricted && !info->probEndTime.dwLowDateTime
           && !info->probEndTime.dwHighDateTime && !info->failureUrl.length && info->failureUrl.string
           && !info->failureUrl.string[0];
    ok(hr == S_OK && same, "isolation info before any: expected NotRestricted, no probation, \"\", got %#lx", hr);
    free_isolation(info);
    hr = INapEnforcementClientConnection2_GetIsolationInfoEx(c, &info_ex);
    same = info_ex && info_ex->isolationState == isolationStateNotRestricted
           && info_ex->extendedIsolationState == extendedIsolationStateNoData && !info_ex->failureUrl.length
           && info_ex->failureUrl.string && !info_ex->failureUrl.string[0];
    ok(hr == S_OK && same, "isolation info ex before any: expected NotRestricted, NoData, \"\", got %#lx", hr);
    free_isolation_ex(info_ex);

    hr = INapEnforcementClientConnection2_GetPrivateData(c, &data);
    same = data && !data->size && !data->data;
    ok(hr == S_OK && same, "private data before any: expected S_OK, size 0, NULL, got %#lx", hr);
    free_blob((NetworkSoH *)data);
    data = NULL;
    hr = INapEnforcementClientConnection2_GetEnforcerPrivateData(c, &data);
    same = data && !data->size && !data->data;
    ok(hr == S_OK && same, "enforcer private data before any: expected S_OK, size 0, NULL, got %#lx", hr);
    free_blob((NetworkSoH *)data);

    hr = INapEnforcementClientConnection2_GetInstalledShvs(c, &count, &ids);
    ok(hr == S_OK && !count && !ids, "installed SHVs before any: expected S_OK, 0, NULL, got %#lx %u %p", hr, count,
       (void *)ids);
}

static void test_scalars(INapEnforcementClientConnection2 *c)
{
    ProtocolMaxSize max_size = 0;
    UINT8 flags = 0;
    HRESULT hr;

    hr = INapEnforcementClientConnection2_SetMaxSize(c, minProtocolMaxSize);
    ok(hr == S_OK, "SetMaxSize(300): expected S_OK, got %#lx", hr);
    hr = INapEnforcementClientConnection2_GetMaxSize(c, &max_size);
    ok(hr == S_OK && max_size == minProtocolMaxSize, "GetMaxSize: expected 300, got %#lx %u", hr, max_size);
    hr = INapEnforcementClientConnection2_SetMaxSize(c, maxProtocolMaxSize);
    ok(hr == S_OK, "SetMaxSize(0xffff): expected S_OK, got %#lx", hr);
    hr = INapEnforcementClientConnection2_GetMaxSize(c, &max_size);
    ok(hr == S_OK && max_size == maxProtocolMaxSize, "GetMaxSize: expected 0xffff, got %#lx %#x", hr, max_size);
    /* Our IDL drops the SDK's [range] on ProtocolMaxSize (idl/README.md: Wine's proxy writes 8
     * bytes for a [range] [out]), so the service's own check answers. */
    hr = INapEnforcementClientConnection2_SetMaxSize(c, minProtocolMaxSize - 1);
    ok(hr == E_INVALIDARG, "SetMaxSize(299): expected E_INVALIDARG, got %#lx", hr);
    hr = INapEnforcementClientConnection2_SetMaxSize(c, maxProtocolMaxSize + 1);
    ok(hr == E_INVALIDARG, "SetMaxSize(0x10000): expected E_INVALIDARG, got %#lx", hr);
    hr = INapEnforcementClientConnection2_SetMaxSize(c, 0);
    ok(hr == E_INVALIDARG, "SetMaxSize(0): expected E_INVALIDARG, got %#lx", hr);
    hr = INapEnforcementClientConnection2_GetMaxSize(c, &max_size);
    ok(hr == S_OK && max_size == maxProtocolMaxSize, "refused sizes changed nothing: got %#lx %#x", hr, max_size);
    hr = INapEnforcementClientConnection2_GetMaxSize(c, NULL);
    ok(hr == NULL_REF, "GetMaxSize(NULL): refused by the proxy, got %#lx", hr);
    {
        /* A caller's neighbouring variables survive the [out] (they did not under Wine while the
         * IDL kept [range] on the type: 8 bytes were written into the 4-byte ProtocolMaxSize). */
        union { ProtocolMaxSize value; BYTE bytes[16]; } probe;

        memset(&probe, 0xcc, sizeof(probe));
        hr = INapEnforcementClientConnection2_GetMaxSize(c, &probe.value);
        ok(hr == S_OK && probe.bytes[sizeof(ProtocolMaxSize)] == 0xcc
           && probe.bytes[sizeof(probe) - 1] == 0xcc, "GetMaxSize writes only its %u bytes: got %#lx %02x",
           (unsigned)sizeof(ProtocolMaxSize), hr, probe.bytes[sizeof(ProtocolMaxSize)]);
    }

    hr = INapEnforcementClientConnection2_SetFlags(c, freshSoHRequest);
    ok(hr == S_OK, "SetFlags(freshSoHRequest): expected S_OK, got %#lx", hr);
    hr = INapEnforcementClientConnection2_GetFlags(c, &flags);
    ok(hr == S_OK && flags == freshSoHRequest, "GetFlags: expected 1, got %#lx %u", hr, flags);
    hr = INapEnforcementClientConnection2_SetFlags(c, 0x2);
    ok(hr == E_INVALIDARG, "SetFlags(undefined bit 0x2): expected E_INVALIDARG, got %#lx", hr);
    hr = INapEnforcementClientConnection2_SetFlags(c, 0x81);
    ok(hr == E_INVALIDARG, "SetFlags(0x81): expected E_INVALIDARG, got %#lx", hr);
    hr = INapEnforcementClientConnection2_GetFlags(c, &flags);
    ok(hr == S_OK && flags == freshSoHRequest, "refused flags changed nothing: got %#lx %u", hr, flags);
    hr = INapEnforcementClientConnection2_SetFlags(c, 0);
    ok(hr == S_OK, "SetFlags(0): expected S_OK, got %#lx", hr);
    hr = INapEnforcementClientConnection2_GetFlags(c, &flags);
    ok(hr == S_OK && flags == 0, "GetFlags: expected 0, got %#lx %u", hr, flags);
    hr = INapEnforcementClientConnection2_GetFlags(c, NULL);
    ok(hr == NULL_REF, "GetFlags(NULL): refused by the proxy, got %#lx", hr);
}

static void test_ids(INapEnforcementClientConnection2 *c)
{
    static const GUID id = {0x12345678, 0x9abc, 0xdef0, {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}};
    SYSTEMTIME when = {2024, 5, 1, 6, 7, 8, 9, 10};
    ConnectionId *got = NULL;
    CorrelationId correlation, read;
    StringCorrelationId *text = NULL;
    BOOL same;
    HRESULT hr;

    hr = INapEnforcementClientConnection2_SetConnectionId(c, &id);
    ok(hr == S_OK, "SetConnectionId: expected S_OK, got %#lx", hr);
    hr = INapEnforcementClientConnection2_GetConnectionId(c, &got);
    same = got && IsEqualGUID(got, &id);
    ok(hr == S_OK && same, "GetConnectionId gives the id set: got %#lx", hr);
    CoTaskMemFree(got);
    hr = INapEnforcementClientConnection2_SetConnectionId(c, NULL);
    ok(hr == NULL_REF, "SetConnectionId(NULL): refused by the proxy, got %#lx", hr);
    hr = INapEnforcementClientConnection2_GetConnectionId(c, NULL);
    ok(hr == NULL_REF, "GetConnectionId(NULL): refused by the proxy, got %#lx", hr);

    correlation.connId = id;
    SystemTimeToFileTime(&when, &correlation.timeStamp);
    hr = INapEnforcementClientConnection2_SetCorrelationId(c, correlation);
    ok(hr == S_OK, "SetCorrelationId: expected S_OK, got %#lx", hr);
    memset(&read, 0, sizeof(read));
    hr = INapEnforcementClientConnection2_GetCorrelationId(c, &read);
    same = !memcmp(&read, &correlation, sizeof(read));
    ok(hr == S_OK && same, "GetCorrelationId gives every byte set: got %#lx", hr);
    hr = INapEnforcementClientConnection2_GetStringCorrelationId(c, &text);
    same = text && text->string && text->length == wcslen(text->string)
           && !wcscmp(text->string, L"{12345678-9ABC-DEF0-0123-456789ABCDEF} - 2024/05/06 07:08:09.010");
    ok(hr == S_OK && same, "GetStringCorrelationId: got %#lx \"%ls\" (length %u)", hr,
       text && text->string ? text->string : L"(null)", text ? text->length : 0);
    free_counted(text);
    hr = INapEnforcementClientConnection2_GetCorrelationId(c, NULL);
    ok(hr == NULL_REF, "GetCorrelationId(NULL): refused by the proxy, got %#lx", hr);
    hr = INapEnforcementClientConnection2_GetStringCorrelationId(c, NULL);
    ok(hr == NULL_REF, "GetStringCorrelationId(NULL): refused by the proxy, got %#lx", hr);
}

typedef HRESULT (*set_soh_fn)(INapEnforcementClientConnection2 *c, const NetworkSoH *soh);
typedef HRESULT (*get_soh_fn)(INapEnforcementClientConnection2 *c, NetworkSoH **soh);

static HRESULT set_request(INapEnforcementClientConnection2 *c, const NetworkSoH *soh)
{
    return INapEnforcementClientConnection2_SetSoHRequest(c, soh);
}
static HRESULT get_request(INapEnforcementClientConnection2 *c, NetworkSoH **soh)
{
    return INapEnforcementClientConnection2_GetSoHRequest(c, soh);
}
static HRESULT set_response(INapEnforcementClientConnection2 *c, const NetworkSoH *soh)
{
    return INapEnforcementClientConnection2_SetSoHResponse(c, soh);
}
static HRESULT get_response(INapEnforcementClientConnection2 *c, NetworkSoH **soh)
{
    return INapEnforcementClientConnection2_GetSoHResponse(c, soh);
}
static HRESULT set_private(INapEnforcementClientConnection2 *c, const NetworkSoH *data)
{
    return INapEnforcementClientConnection2_SetPrivateData(c, (const PrivateData *)data);
}
static HRESULT get_private(INapEnforcementClientConnection2 *c, NetworkSoH **data)
{
    return INapEnforcementClientConnection2_GetPrivateData(c, (PrivateData **)data);
}
static HRESULT set_enforcer_private(INapEnforcementClientConnection2 *c, const NetworkSoH *data)
{
    return INapEnforcementClientConnection2_SetEnforcerPrivateData(c, (const PrivateData *)data);
}
static HRESULT get_enforcer_private(INapEnforcementClientConnection2 *c, NetworkSoH **data)
{
    return INapEnforcementClientConnection2_GetEnforcerPrivateData(c, (PrivateData **)data);
}

/* Sets size bytes (a pattern from seed) and expects them back, every byte. */
static void blob_round_trip(INapEnforcementClientConnection2 *c, set_soh_fn set, get_soh_fn get, const char *what,
                            UINT16 size, BYTE seed)
{
    static BYTE bytes[maxNetworkSoHSize];
    NetworkSoH soh = {size, bytes}, *got = NULL;
    BOOL same;
    HRESULT hr;

    for (UINT16 i = 0; i < size; ++i)
        bytes[i] = (BYTE)(seed + i * 7);
    hr = set(c, &soh);
    ok(hr == S_OK, "%s of %u bytes: expected S_OK, got %#lx", what, size, hr);
    hr = get(c, &got);
    same = got && got->size == size && (!size ? !got->data : got->data && !memcmp(got->data, bytes, size));
    ok(hr == S_OK && same, "%s: %u bytes back, every byte the same: got %#lx size %u", what, size, hr,
       got ? got->size : 0);
    free_blob(got);
}

/* What a refused set answers, and that it left the last value (size `kept`, first byte seed). */
static void blob_refused(INapEnforcementClientConnection2 *c, set_soh_fn set, get_soh_fn get, const char *what,
                         const NetworkSoH *soh, HRESULT expected, UINT16 kept, BYTE seed)
{
    NetworkSoH *got = NULL;
    BOOL same;
    HRESULT hr;

    hr = set(c, soh);
    ok(hr == expected, "%s: expected %#lx, got %#lx", what, expected, hr);
    hr = get(c, &got);
    same = got && got->size == kept && (!kept || (got->data && got->data[0] == seed));
    ok(hr == S_OK && same, "%s changed nothing: got %#lx size %u", what, hr, got ? got->size : 0);
    free_blob(got);
}

static void test_blobs(INapEnforcementClientConnection2 *c)
{
    static BYTE bytes[maxNetworkSoHSize + 1];
    NetworkSoH small = {minNetworkSoHSize - 1, bytes}, big = {maxNetworkSoHSize + 1, bytes};
    NetworkSoH no_data = {minNetworkSoHSize, NULL}, empty = {0, NULL};
    PrivateData too_big = {maxPrivateDataSize + 1, bytes}, private_no_data = {5, NULL};
    HRESULT hr;

    blob_round_trip(c, set_request, get_request, "SetSoHRequest", minNetworkSoHSize, 1);
    blob_round_trip(c, set_request, get_request, "SetSoHRequest", maxNetworkSoHSize, 2);
    blob_refused(c, set_request, get_request, "SetSoHRequest(11 bytes)", &small, E_INVALIDARG, maxNetworkSoHSize, 2);
    blob_refused(c, set_request, get_request, "SetSoHRequest(4001 bytes)", &big, E_INVALIDARG, maxNetworkSoHSize, 2);
    blob_refused(c, set_request, get_request, "SetSoHRequest(0 bytes)", &empty, E_INVALIDARG, maxNetworkSoHSize, 2);
    blob_refused(c, set_request, get_request, "SetSoHRequest(12 bytes, data NULL)", &no_data, E_INVALIDARG,
                 maxNetworkSoHSize, 2);
    /* SetSoHRequest's parameter is [unique]: NULL reaches the service. */
    blob_refused(c, set_request, get_request, "SetSoHRequest(NULL)", NULL, E_POINTER, maxNetworkSoHSize, 2);
    hr = INapEnforcementClientConnection2_GetSoHRequest(c, NULL);
    ok(hr == NULL_REF, "GetSoHRequest(NULL): refused by the proxy, got %#lx", hr);

    blob_round_trip(c, set_response, get_response, "SetSoHResponse", 100, 3);
    blob_round_trip(c, set_response, get_response, "SetSoHResponse", maxNetworkSoHSize, 4);
    blob_round_trip(c, set_response, get_response, "SetSoHResponse", minNetworkSoHSize, 5);
    blob_refused(c, set_response, get_response, "SetSoHResponse(11 bytes)", &small, E_INVALIDARG, minNetworkSoHSize, 5);
    blob_refused(c, set_response, get_response, "SetSoHResponse(4001 bytes)", &big, E_INVALIDARG, minNetworkSoHSize, 5);
    blob_refused(c, set_response, get_response, "SetSoHResponse(0 bytes)", &empty, E_INVALIDARG, minNetworkSoHSize, 5);
    blob_refused(c, set_response, get_response, "SetSoHResponse(data NULL)", &no_data, E_INVALIDARG,
                 minNetworkSoHSize, 5);
    blob_refused(c, set_response, get_response, "SetSoHResponse(NULL)", NULL, NULL_REF, minNetworkSoHSize, 5);
    hr = INapEnforcementClientConnection2_GetSoHResponse(c, NULL);
    ok(hr == NULL_REF, "GetSoHResponse(NULL): refused by the proxy, got %#lx", hr);

    blob_round_trip(c, set_private, get_private, "SetPrivateData", maxPrivateDataSize, 6);
    blob_round_trip(c, set_enforcer_private, get_enforcer_private, "SetEnforcerPrivateData", 1, 7);
    blob_round_trip(c, set_private, get_private, "SetPrivateData", 17, 8);
    blob_refused(c, set_enforcer_private, get_enforcer_private, "SetEnforcerPrivateData keeps its own data (no-op set)",
                 (const NetworkSoH *)&too_big, E_INVALIDARG, 1, 7);
    blob_refused(c, set_private, get_private, "SetPrivateData(201 bytes)", (const NetworkSoH *)&too_big,
                 E_INVALIDARG, 17, 8);
    blob_refused(c, set_private, get_private, "SetPrivateData(5 bytes, data NULL)",
                 (const NetworkSoH *)&private_no_data, E_INVALIDARG, 17, 8);
    blob_refused(c, set_private, get_private, "SetPrivateData(NULL)", NULL, NULL_REF, 17, 8);
    blob_refused(c, set_enforcer_private, get_enforcer_private, "SetEnforcerPrivateData(201 bytes)",
                 (const NetworkSoH *)&too_big, E_INVALIDARG, 1, 7);
    blob_refused(c, set_enforcer_private, get_enforcer_private, "SetEnforcerPrivateData(NULL)", NULL, NULL_REF, 1, 7);
    blob_round_trip(c, set_enforcer_private, get_enforcer_private, "SetEnforcerPrivateData", maxPrivateDataSize, 9);
    blob_round_trip(c, set_private, get_private, "SetPrivateData", 0, 0);
    blob_round_trip(c, set_enforcer_private, get_enforcer_private, "SetEnforcerPrivateData", 0, 0);
    hr = INapEnforcementClientConnection2_GetPrivateData(c, NULL);
    ok(hr == NULL_REF, "GetPrivateData(NULL): refused by the proxy, got %#lx", hr);
    hr = INapEnforcementClientConnection2_GetEnforcerPrivateData(c, NULL);
    ok(hr == NULL_REF, "GetEnforcerPrivateData(NULL): refused by the proxy, got %#lx", hr);
}

static BOOL url_is(const CountedString *url, const WCHAR *text, size_t length)
{
    return url->length == length && url->string && !memcmp(url->string, text, length * sizeof(WCHAR))
           && !url->string[length];
}

static void test_isolation(INapEnforcementClientConnection2 *c)
{
    static WCHAR url[] = L"http://fixup.example/remediate";
    static WCHAR long_url[maxStringLength + 2];
    IsolationInfo info, *got = NULL;
    IsolationInfoEx info_ex, *got_ex = NULL;
    BOOL same;
    HRESULT hr;

    for (int i = 0; i < maxStringLength + 1; ++i)
        long_url[i] = L'a' + i % 26;

    info.isolationState = isolationStateInProbation;
    info.probEndTime.dwLowDateTime = 0x89abcdef;
    info.probEndTime.dwHighDateTime = 0x01d9a000;
    info.failureUrl.length = (UINT16)wcslen(url);
    info.failureUrl.string = url;
    hr = INapEnforcementClientConnection2_SetIsolationInfo(c, &info);
    ok(hr == S_OK, "SetIsolationInfo(in probation, URL): expected S_OK, got %#lx", hr);
    hr = INapEnforcementClientConnection2_GetIsolationInfo(c, &got);
    same = got && got->isolationState == isolationStateInProbation && got->probEndTime.dwLowDateTime == 0x89abcdef
           && got->probEndTime.dwHighDateTime == 0x01d9a000 && url_is(&got->failureUrl, url, wcslen(url));
    ok(hr == S_OK && same, "GetIsolationInfo gives every field set: got %#lx", hr);
    free_isolation(got);
    hr = INapEnforcementClientConnection2_GetIsolationInfoEx(c, &got_ex);
    same = got_ex && got_ex->isolationState == isolationStateInProbation
           && got_ex->extendedIsolationState == extendedIsolationStateNoData
           && got_ex->probEndTime.dwLowDateTime == 0x89abcdef && url_is(&got_ex->failureUrl, url, wcslen(url));
    ok(hr == S_OK && same, "GetIsolationInfoEx after SetIsolationInfo: the same, extended NoData, got %#lx", hr);
    free_isolation_ex(got_ex);

    info_ex.isolationState = isolationStateRestrictedAccess;
    info_ex.extendedIsolationState = extendedIsolationStateInfected;
    info_ex.probEndTime.dwLowDateTime = 1;
    info_ex.probEndTime.dwHighDateTime = 2;
    info_ex.failureUrl.length = maxStringLength;
    info_ex.failureUrl.string = long_url;
    long_url[maxStringLength] = 0;
    hr = INapEnforcementClientConnection2_SetIsolationInfoEx(c, &info_ex);
    ok(hr == S_OK, "SetIsolationInfoEx(restricted, infected, URL of 1024): expected S_OK, got %#lx", hr);
    got_ex = NULL;
    hr = INapEnforcementClientConnection2_GetIsolationInfoEx(c, &got_ex);
    same = got_ex && got_ex->isolationState == isolationStateRestrictedAccess
           && got_ex->extendedIsolationState == extendedIsolationStateInfected && got_ex->probEndTime.dwLowDateTime == 1
           && got_ex->probEndTime.dwHighDateTime == 2 && url_is(&got_ex->failureUrl, long_url, maxStringLength);
    ok(hr == S_OK && same, "GetIsolationInfoEx gives every field set: got %#lx", hr);
    free_isolation_ex(got_ex);
    got = NULL;
    hr = INapEnforcementClientConnection2_GetIsolationInfo(c, &got);
    same = got && got->isolationState == isolationStateRestrictedAccess
           && url_is(&got->failureUrl, long_url, maxStringLength);
    ok(hr == S_OK && same, "GetIsolationInfo after SetIsolationInfoEx: got %#lx", hr);
    free_isolation(got);

    /* Refused: every one leaves the restricted/infected decision in place. */
    long_url[maxStringLength + 1] = 0;
    info_ex.failureUrl.length = maxStringLength + 1;
    hr = INapEnforcementClientConnection2_SetIsolationInfoEx(c, &info_ex);
    ok(hr == E_INVALIDARG, "SetIsolationInfoEx(URL of 1025): expected E_INVALIDARG, got %#lx", hr);
    info.failureUrl.length = maxStringLength + 1;
    info.failureUrl.string = long_url;
    hr = INapEnforcementClientConnection2_SetIsolationInfo(c, &info);
    ok(hr == E_INVALIDARG, "SetIsolationInfo(URL of 1025): expected E_INVALIDARG, got %#lx", hr);
    /* An empty URL from here on (an NDR string longer than its size_is is refused by the
     * marshalling code with RPC_X_INVALID_BOUND, which is not what these lines test). */
    info.failureUrl.length = 0;
    info.failureUrl.string = (WCHAR *)L"";
    info.isolationState = 0;
    hr = INapEnforcementClientConnection2_SetIsolationInfo(c, &info);
    ok(hr == E_INVALIDARG, "SetIsolationInfo(state 0): expected E_INVALIDARG, got %#lx", hr);
    info.isolationState = isolationStateRestrictedAccess + 1;
    hr = INapEnforcementClientConnection2_SetIsolationInfo(c, &info);
    ok(hr == E_INVALIDARG, "SetIsolationInfo(state 4): expected E_INVALIDARG, got %#lx", hr);
    info_ex.failureUrl.length = 0;
    info_ex.failureUrl.string = (WCHAR *)L"";
    info_ex.extendedIsolationState = extendedIsolationStateUnknown + 1;
    hr = INapEnforcementClientConnection2_SetIsolationInfoEx(c, &info_ex);
    ok(hr == E_INVALIDARG, "SetIsolationInfoEx(extended state 4): expected E_INVALIDARG, got %#lx", hr);
    info_ex.extendedIsolationState = extendedIsolationStateUnknown;
    info_ex.isolationState = 0;
    hr = INapEnforcementClientConnection2_SetIsolationInfoEx(c, &info_ex);
    ok(hr == E_INVALIDARG, "SetIsolationInfoEx(state 0): expected E_INVALIDARG, got %#lx", hr);
    hr = INapEnforcementClientConnection2_SetIsolationInfo(c, NULL);
    ok(hr == NULL_REF, "SetIsolationInfo(NULL): refused by the proxy, got %#lx", hr);
    hr = INapEnforcementClientConnection2_SetIsolationInfoEx(c, NULL);
    ok(hr == NULL_REF, "SetIsolationInfoEx(NULL): refused by the proxy, got %#lx", hr);
    got_ex = NULL;
    hr = INapEnforcementClientConnection2_GetIsolationInfoEx(c, &got_ex);
    same = got_ex && got_ex->isolationState == isolationStateRestrictedAccess
           && got_ex->extendedIsolationState == extendedIsolationStateInfected
           && url_is(&got_ex->failureUrl, long_url, maxStringLength);
    ok(hr == S_OK && same, "the refused sets changed nothing: got %#lx", hr);
    free_isolation_ex(got_ex);
    hr = INapEnforcementClientConnection2_GetIsolationInfo(c, NULL);
    ok(hr == NULL_REF, "GetIsolationInfo(NULL): refused by the proxy, got %#lx", hr);
    hr = INapEnforcementClientConnection2_GetIsolationInfoEx(c, NULL);
    ok(hr == NULL_REF, "GetIsolationInfoEx(NULL): refused by the proxy, got %#lx", hr);

    /* A URL whose text ends before its length: NDR sends it up to its NUL. */
    info.isolationState = isolationStateNotRestricted;
    info.failureUrl.length = 10;
    info.failureUrl.string = (WCHAR *)L"abc\0defghijk";
    hr = INapEnforcementClientConnection2_SetIsolationInfo(c, &info);
    got = NULL;
    if (SUCCEEDED(hr))
        hr = INapEnforcementClientConnection2_GetIsolationInfo(c, &got);
    same = got && url_is(&got->failureUrl, L"abc", 3);
    ok(hr == S_OK && same, "a URL with a NUL before its length is kept up to the NUL: got %#lx length %u", hr,
       got ? got->failureUrl.length : 0);
    free_isolation(got);
}

static void test_installed_shvs(INapEnforcementClientConnection2 *c)
{
    SystemHealthEntityId ids[maxSystemHealthEntityCount + 1], *got = NULL;
    SystemHealthEntityCount count = 0;
    BOOL same;
    HRESULT hr;

    for (int i = 0; i < maxSystemHealthEntityCount + 1; ++i)
        ids[i] = 0x7A010000u + i * 3;
    hr = INapEnforcementClientConnection2_SetInstalledShvs(c, 3, ids);
    ok(hr == S_OK, "SetInstalledShvs(3): expected S_OK, got %#lx", hr);
    hr = INapEnforcementClientConnection2_GetInstalledShvs(c, &count, &got);
    same = count == 3 && got && !memcmp(got, ids, 3 * sizeof(*ids));
    ok(hr == S_OK && same, "GetInstalledShvs gives the 3 ids: got %#lx %u", hr, count);
    CoTaskMemFree(got);
    hr = INapEnforcementClientConnection2_SetInstalledShvs(c, maxSystemHealthEntityCount, ids);
    ok(hr == S_OK, "SetInstalledShvs(20): expected S_OK, got %#lx", hr);
    got = NULL;
    hr = INapEnforcementClientConnection2_GetInstalledShvs(c, &count, &got);
    same = count == maxSystemHealthEntityCount && got && !memcmp(got, ids, maxSystemHealthEntityCount * sizeof(*ids));
    ok(hr == S_OK && same, "GetInstalledShvs gives the 20 ids: got %#lx %u", hr, count);
    CoTaskMemFree(got);
    hr = INapEnforcementClientConnection2_SetInstalledShvs(c, maxSystemHealthEntityCount + 1, ids);
    ok(hr == E_INVALIDARG, "SetInstalledShvs(21): expected E_INVALIDARG, got %#lx", hr);
    hr = INapEnforcementClientConnection2_SetInstalledShvs(c, 0, ids);
    ok(hr == E_INVALIDARG, "SetInstalledShvs(0) (documented): expected E_INVALIDARG, got %#lx", hr);
    hr = INapEnforcementClientConnection2_SetInstalledShvs(c, 1, NULL);
    ok(hr == NULL_REF, "SetInstalledShvs(1, NULL): refused by the proxy, got %#lx", hr);
    got = NULL;
    hr = INapEnforcementClientConnection2_GetInstalledShvs(c, &count, &got);
    same = count == maxSystemHealthEntityCount && got;
    ok(hr == S_OK && same, "the refused sets changed nothing: got %#lx %u", hr, count);
    CoTaskMemFree(got);
    hr = INapEnforcementClientConnection2_GetInstalledShvs(c, NULL, &got);
    ok(hr == NULL_REF, "GetInstalledShvs(NULL count): refused by the proxy, got %#lx", hr);
    hr = INapEnforcementClientConnection2_GetInstalledShvs(c, &count, NULL);
    ok(hr == NULL_REF, "GetInstalledShvs(NULL ids): refused by the proxy, got %#lx", hr);
}

static ULONGLONG filetime_value(FILETIME t)
{
    return (ULONGLONG)t.dwHighDateTime << 32 | t.dwLowDateTime;
}

/* Two requests carry the same SHA reports: only the correlation id differs. */
static BOOL same_reports(const NetworkSoH *a, const NetworkSoH *b)
{
    static struct soh_message ma, mb;

    if (soh_request_decode(a->data, a->size, &ma) != SOH_OK || soh_request_decode(b->data, b->size, &mb) != SOH_OK
        || ma.report_count != mb.report_count)
        return FALSE;
    for (UINT16 i = 0; i < ma.report_count; ++i)
        if (ma.reports[i].size != mb.reports[i].size || memcmp(ma.reports[i].bytes, mb.reports[i].bytes, ma.reports[i].size))
            return FALSE;
    return TRUE;
}

/* GetSoHRequest, ProcessSoHResponse on a fresh connection of ours. */
static void test_exchange(INapEnforcementClientBinding *ec, INapEnforcementClientConnection *connection)
{
    static struct soh_message decoded;
    BYTE junk[minNetworkSoHSize] = {0, 7, 0, 8}, bytes[maxNetworkSoHSize];
    NetworkSoH response = {sizeof(junk), junk}, *request = NULL, *again = NULL;
    CorrelationId first, second, stale;
    IsolationInfo restricted = {isolationStateRestrictedAccess, {0, 0}, {0, NULL}}, *info = NULL;
    FILETIME now;
    ULONGLONG age;
    BOOL hint = FALSE, same;
    HRESULT hr;

    hr = INapEnforcementClientBinding_GetSoHRequest(ec, connection, &hint);
    ok(hr == S_OK && hint, "GetSoHRequest on a new connection: expected S_OK and hint TRUE, got %#lx %d", hr, hint);
    hr = INapEnforcementClientConnection_GetSoHRequest(connection, &request);
    same = request && request->size >= minNetworkSoHSize && request->size <= maxNetworkSoHSize && request->data;
    ok(hr == S_OK && same, "the agent put a request of valid size on the connection: got %#lx size %u", hr,
       request ? request->size : 0);
    memset(&first, 0, sizeof(first));
    hr = INapEnforcementClientConnection_GetCorrelationId(connection, &first);
    GetSystemTimeAsFileTime(&now);
    age = filetime_value(now) - filetime_value(first.timeStamp);
    same = !IsEqualGUID(&first.connId, &zero_guid);
    ok(hr == S_OK && same, "and a correlation id with a new GUID: got %#lx", hr);
    ok(age < 60 * 10000000ull, "whose time stamp is now: %I64u ms ago", age / 10000);
    same = request && soh_request_decode(request->data, request->size, &decoded) == SOH_OK
           && !memcmp(decoded.system.correlation_id.conn_id, &first.connId, 16);
    ok(same, "the request is an [MS-SOH] request carrying that correlation id: got size %u",
       request ? request->size : 0);

    hr = INapEnforcementClientBinding_GetSoHRequest(ec, connection, &hint);
    ok(hr == S_OK && !hint, "GetSoHRequest again, request unchanged: expected S_OK and hint FALSE, got %#lx %d", hr,
       hint);
    hr = INapEnforcementClientConnection_GetSoHRequest(connection, &again);
    same = again && request && same_reports(request, again);
    ok(hr == S_OK && same, "the same SHA reports: got %#lx", hr);
    memset(&second, 0, sizeof(second));
    hr = INapEnforcementClientConnection_GetCorrelationId(connection, &second);
    same = !IsEqualGUID(&second.connId, &first.connId) && !IsEqualGUID(&second.connId, &zero_guid);
    ok(hr == S_OK && same, "each request gets a correlation id of its own: got %#lx", hr);
    free_blob(again);
    free_blob(request);
    hr = INapEnforcementClientBinding_GetSoHRequest(ec, connection, NULL);
    ok(hr == NULL_REF, "GetSoHRequest(NULL hint): refused by the proxy, got %#lx", hr);

    hr = INapEnforcementClientBinding_ProcessSoHResponse(ec, connection);
    ok(hr == NAP_E_INVALID_PACKET, "ProcessSoHResponse with no response on the connection: expected "
       "NAP_E_INVALID_PACKET, got %#lx", hr);
    hr = INapEnforcementClientConnection_SetSoHResponse(connection, &response);
    ok(hr == S_OK, "the EC puts a malformed response on the connection: got %#lx", hr);
    hr = INapEnforcementClientBinding_ProcessSoHResponse(ec, connection);
    ok(hr == NAP_E_INVALID_PACKET, "ProcessSoHResponse of a malformed response: expected NAP_E_INVALID_PACKET, "
       "got %#lx", hr);
    stale = first;
    response.size = make_test_response(&stale, isolationStateNotRestricted, "", NULL, 0, bytes, sizeof(bytes));
    response.data = bytes;
    hr = INapEnforcementClientConnection_SetSoHResponse(connection, &response);
    ok(hr == S_OK, "the EC puts the answer to an earlier request on the connection: got %#lx", hr);
    hr = INapEnforcementClientBinding_ProcessSoHResponse(ec, connection);
    ok(hr == NAP_E_MISMATCHED_ID, "ProcessSoHResponse of another request's answer: expected NAP_E_MISMATCHED_ID, "
       "got %#lx", hr);

    hr = INapEnforcementClientConnection_SetIsolationInfo(connection, &restricted);
    ok(hr == S_OK, "connection marked restricted beforehand: got %#lx", hr);
    response.size = make_test_response(&second, isolationStateNotRestricted, "", NULL, 0, bytes, sizeof(bytes));
    hr = INapEnforcementClientConnection_SetSoHResponse(connection, &response);
    ok(hr == S_OK && response.size, "the EC puts the server's answer on the connection: got %#lx", hr);
    hr = INapEnforcementClientBinding_ProcessSoHResponse(ec, connection);
    ok(hr == S_OK, "ProcessSoHResponse: expected S_OK, got %#lx", hr);
    hr = INapEnforcementClientConnection_GetIsolationInfo(connection, &info);
    same = info && info->isolationState == isolationStateNotRestricted && !info->failureUrl.length;
    ok(hr == S_OK && same, "the agent's decision is on the connection: NotRestricted, got %#lx state %d", hr,
       info ? (int)info->isolationState : -1);
    free_isolation(info);

    /* The agent owns the correlation ids. The same response once more (a replay) is refused and
     * changes nothing: the connection keeps its decision. */
    hr = INapEnforcementClientConnection_SetIsolationInfo(connection, &restricted);
    ok(hr == S_OK, "the connection marked restricted again: got %#lx", hr);
    hr = INapEnforcementClientBinding_ProcessSoHResponse(ec, connection);
    ok(hr == NAP_E_MISMATCHED_ID, "the answered response handed back again: expected NAP_E_MISMATCHED_ID, got %#lx",
       hr);
    info = NULL;
    hr = INapEnforcementClientConnection_GetIsolationInfo(connection, &info);
    same = info && info->isolationState == isolationStateRestrictedAccess;
    ok(hr == S_OK && same, "the replay set no decision: state %d", info ? (int)info->isolationState : -1);
    free_isolation(info);
    /* A forged answer: the EC sets the connection's correlation id to that of a response it made
     * up. The agent compares with the id it handed out, not with the connection's copy. */
    hr = INapEnforcementClientBinding_GetSoHRequest(ec, connection, &hint);
    ok(hr == S_OK, "a new request: got %#lx", hr);
    stale = first;
    stale.connId.Data1 ^= 0x5a5a5a5a;
    hr = INapEnforcementClientConnection_SetCorrelationId(connection, stale);
    ok(hr == S_OK, "the EC sets a correlation id of its own on the connection: got %#lx", hr);
    response.size = make_test_response(&stale, isolationStateNotRestricted, "", NULL, 0, bytes, sizeof(bytes));
    hr = INapEnforcementClientConnection_SetSoHResponse(connection, &response);
    ok(hr == S_OK, "and an answer to it: got %#lx", hr);
    hr = INapEnforcementClientBinding_ProcessSoHResponse(ec, connection);
    ok(hr == NAP_E_MISMATCHED_ID, "ProcessSoHResponse of the forged answer: expected NAP_E_MISMATCHED_ID, got %#lx", hr);
}

/* The per-EC limit, and NotifyConnectionStateDown counting each connection once. held[0..held_count)
 * are live already; fills up to the limit, releases everything it created. */
static void test_limit(INapEnforcementClientBinding *ec, INapEnforcementClientConnection **held, int held_count)
{
    INapEnforcementClientConnection *connections[CONNECTION_LIMIT] = {0}, *extra = (void *)0xdeadbeef;
    int created = 0;
    HRESULT hr = S_OK;

    while (held_count + created < CONNECTION_LIMIT && hr == S_OK)
    {
        hr = INapEnforcementClientBinding_CreateConnection(ec, &connections[created]);
        if (hr == S_OK)
            ++created;
    }
    ok(held_count + created == CONNECTION_LIMIT, "20 connections created: got %d (%#lx)", held_count + created, hr);
    hr = INapEnforcementClientBinding_CreateConnection(ec, &extra);
    ok(hr == E_OUTOFMEMORY && !extra, "the 21st connection: expected E_OUTOFMEMORY and NULL, got %#lx %p", hr,
       (void *)extra);

    hr = INapEnforcementClientBinding_NotifyConnectionStateDown(ec, held[0]);
    ok(hr == S_OK, "NotifyConnectionStateDown: expected S_OK, got %#lx", hr);
    hr = INapEnforcementClientBinding_NotifyConnectionStateDown(ec, held[0]);
    ok(hr == S_OK, "NotifyConnectionStateDown on a connection already down: expected S_OK (counted once), got %#lx", hr);
    extra = NULL;
    hr = INapEnforcementClientBinding_CreateConnection(ec, &extra);
    ok(hr == S_OK && extra, "room for one connection after it went down: expected S_OK, got %#lx", hr);
    hr = INapEnforcementClientBinding_CreateConnection(ec, &connections[created]);
    ok(hr == E_OUTOFMEMORY, "and for one only (the second down was not counted): expected E_OUTOFMEMORY, got %#lx", hr);

    if (extra)
    {
        hr = INapEnforcementClientBinding_NotifyConnectionStateDown(ec, extra);
        ok(hr == S_OK, "the extra connection down: got %#lx", hr);
        INapEnforcementClientConnection_Release(extra);
    }
    for (int i = 0; i < created; ++i)
    {
        hr = INapEnforcementClientBinding_NotifyConnectionStateDown(ec, connections[i]);
        if (hr != S_OK)
            ok(0, "connection %d down: got %#lx", i, hr);
        INapEnforcementClientConnection_Release(connections[i]);
    }
}

/* The SHA's view of the system: whether some live connection has no decision yet, within 5 s. */
static BOOL unknown_connections_become(INapSystemHealthAgentBinding *sha, BOOL want)
{
    IsolationInfo *info;
    BOOL unknown = !want;

    for (DWORD start = GetTickCount(); GetTickCount() - start < 5000; Sleep(20))
    {
        info = NULL;
        if (SUCCEEDED(INapSystemHealthAgentBinding_GetSystemIsolationInfo(sha, &info, &unknown)))
            free_isolation(info);
        if (unknown == want)
            return TRUE;
    }
    return FALSE;
}

/* Connections the EC lets go without NotifyConnectionStateDown: each frees its slot, no longer
 * counts as unknown, and an outstanding request is reported orphaned to the SHAs. */
static void test_released_without_down(INapClientManagement *management, INapEnforcementClientBinding *ec)
{
    static WCHAR sha_name[] = L"connection test SHA";
    INapEnforcementClientConnection *connections[CONNECTION_LIMIT] = {0}, *extra = NULL;
    INapSystemHealthAgentBinding *sha;
    NapComponentRegistrationInfo info;
    LONG orphans;
    BOOL hint;
    int created = 0;
    HRESULT hr = S_OK;

    sha_callback_id = SHA_ID;
    sha_event = CreateEventW(NULL, FALSE, FALSE, NULL);
    fill_registration(&info, SHA_ID, sha_name, 0);
    hr = INapClientManagement_RegisterSystemHealthAgent(management, &info);
    sha = create_object(&CLSID_NapSystemHealthAgentBinding, CLSCTX_INPROC_SERVER, &IID_INapSystemHealthAgentBinding);
    if (SUCCEEDED(hr) && sha)
        hr = INapSystemHealthAgentBinding_Initialize(sha, SHA_ID, &sha_callback);
    ok(hr == S_OK && sha, "an SHA binds to hear of orphans: got %#lx", hr);
    if (!sha)
        return;
    while (created < CONNECTION_LIMIT && hr == S_OK)
    {
        hr = INapEnforcementClientBinding_CreateConnection(ec, &connections[created]);
        if (hr == S_OK)
            ++created;
    }
    hr = INapEnforcementClientBinding_GetSoHRequest(ec, connections[0], &hint);
    ok(created == CONNECTION_LIMIT && hr == S_OK, "20 connections, a request outstanding on one: %d, %#lx", created, hr);
    ok(unknown_connections_become(sha, TRUE), "connections without a decision are unknown");
    orphans = sha_orphan_notices;
    for (int i = 0; i < created; ++i)
        INapEnforcementClientConnection_Release(connections[i]);
    ok(wait_sha_count(&sha_orphan_notices, orphans + 1, 5000),
       "released without NotifyConnectionStateDown, the outstanding request is orphaned: %ld notices",
       sha_orphan_notices - orphans);
    ok(unknown_connections_become(sha, FALSE), "released connections are unknown no more");
    created = 0;
    hr = S_OK;
    while (created < CONNECTION_LIMIT && hr == S_OK)
    {
        hr = INapEnforcementClientBinding_CreateConnection(ec, &connections[created]);
        if (hr == S_OK)
            ++created;
    }
    ok(created == CONNECTION_LIMIT, "their slots are free: 20 connections created again, got %d (%#lx)", created, hr);
    hr = INapEnforcementClientBinding_CreateConnection(ec, &extra);
    ok(hr == E_OUTOFMEMORY, "and the limit still holds: %#lx", hr);
    if (extra)
        INapEnforcementClientConnection_Release(extra);
    for (int i = 0; i < created; ++i)
    {
        INapEnforcementClientBinding_NotifyConnectionStateDown(ec, connections[i]);
        INapEnforcementClientConnection_Release(connections[i]);
    }
    INapSystemHealthAgentBinding_Uninitialize(sha);
    INapSystemHealthAgentBinding_Release(sha);
    hr = INapClientManagement_UnregisterSystemHealthAgent(management, SHA_ID);
    ok(hr == S_OK, "unregister the SHA: got %#lx", hr);
}

/* Connections only go back to the binding (and the bind) that created them. */
static void test_foreign_connections(INapEnforcementClientBinding *ec, INapEnforcementClientBinding *other,
                                     INapEnforcementClientConnection *connection)
{
    INapEnforcementClientConnection *own = NULL;
    BOOL hint = 7;
    HRESULT hr;

    hr = INapEnforcementClientBinding_CreateConnection(other, &own);
    ok(hr == S_OK, "the other EC creates a connection: got %#lx", hr);
    hr = INapEnforcementClientBinding_NotifyConnectionStateDown(other, connection);
    ok(hr == E_INVALIDARG, "NotifyConnectionStateDown with another EC's connection: expected E_INVALIDARG, got %#lx", hr);
    hr = INapEnforcementClientBinding_ProcessSoHResponse(other, connection);
    ok(hr == E_INVALIDARG, "ProcessSoHResponse with another EC's connection: expected E_INVALIDARG, got %#lx", hr);
    hr = INapEnforcementClientBinding_GetSoHRequest(other, connection, &hint);
    ok(hr == E_INVALIDARG && !hint, "GetSoHRequest with another EC's connection: expected E_INVALIDARG, got %#lx %d",
       hr, hint);

    /* A connection the EC implemented itself: not the agent's object. */
    hr = INapEnforcementClientBinding_NotifyConnectionStateDown(ec, &own_connection);
    ok(hr == E_INVALIDARG, "NotifyConnectionStateDown with the EC's own object: expected E_INVALIDARG, got %#lx", hr);
    hr = INapEnforcementClientBinding_ProcessSoHResponse(ec, &own_connection);
    ok(hr == E_INVALIDARG, "ProcessSoHResponse with the EC's own object: expected E_INVALIDARG, got %#lx", hr);
    hr = INapEnforcementClientBinding_GetSoHRequest(ec, &own_connection, &hint);
    ok(hr == S_OK && hint, "GetSoHRequest with the EC's own object: S_OK and hint TRUE as before, got %#lx %d", hr, hint);

    if (own)
    {
        hr = INapEnforcementClientBinding_NotifyConnectionStateDown(other, own);
        ok(hr == S_OK, "the other EC's connection down: got %#lx", hr);
        INapEnforcementClientConnection_Release(own);
    }
}

int main(void)
{
    INapEnforcementClientBinding *ec = NULL, *other = NULL;
    INapClientManagement *management = NULL;
    INapAgentDiagnostics *diagnostics = NULL;
    INapEnforcementClientConnection *first = (void *)0xdeadbeef, *second = NULL, *held[2];
    INapEnforcementClientConnection2 *first2 = NULL;
    BOOL hint;
    HRESULT hr;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    hr = CoCreateInstance(&CLSID_NapClientManagement, NULL, CLSCTX_INPROC_SERVER, &IID_INapClientManagement,
                          (void **)&management);
    if (FAILED(hr))
    {
        diag("CoCreateInstance(CLSID_NapClientManagement): %#lx", hr);
        tap_bail("cannot create NapClientManagement");
    }
    diagnostics = create_object(&CLSID_NapAgentDiagnostics, CLSCTX_LOCAL_SERVER, &IID_INapAgentDiagnostics);
    ec = create_object(&CLSID_NapEnforcementClientBinding, CLSCTX_INPROC_SERVER, &IID_INapEnforcementClientBinding);
    other = create_object(&CLSID_NapEnforcementClientBinding, CLSCTX_INPROC_SERVER, &IID_INapEnforcementClientBinding);
    if (!diagnostics || !ec || !other)
        tap_bail("cannot create the bindings");
    register_ec(management, diagnostics, EC_ID);
    register_ec(management, diagnostics, OTHER_EC_ID);

    hr = INapEnforcementClientBinding_CreateConnection(ec, &first);
    ok(hr == NAP_E_NOT_INITIALIZED && !first, "CreateConnection before Initialize: expected NAP_E_NOT_INITIALIZED "
       "and NULL, got %#lx %p", hr, (void *)first);
    hr = INapEnforcementClientBinding_Initialize(ec, EC_ID, &ec_callback);
    ok(hr == S_OK, "EC Initialize: expected S_OK, got %#lx", hr);
    hr = INapEnforcementClientBinding_Initialize(other, OTHER_EC_ID, &ec_callback);
    ok(hr == S_OK, "other EC Initialize: expected S_OK, got %#lx", hr);
    hr = INapEnforcementClientBinding_ProcessSoHResponse(ec, &own_connection);
    ok(hr == E_INVALIDARG, "ProcessSoHResponse before any connection was created: expected E_INVALIDARG, got %#lx", hr);
    first = NULL;
    hr = INapEnforcementClientBinding_CreateConnection(ec, &first);
    ok(hr == S_OK && first, "CreateConnection: expected S_OK, got %#lx", hr);
    hr = INapEnforcementClientBinding_CreateConnection(ec, &second);
    ok(hr == S_OK && second, "a second CreateConnection: expected S_OK, got %#lx", hr);
    if (!first || !second)
        tap_bail("no connection to test");
    hr = INapEnforcementClientConnection_QueryInterface(first, &IID_INapEnforcementClientConnection2, (void **)&first2);
    if (FAILED(hr))
        tap_bail("no INapEnforcementClientConnection2");

    test_identity(first);
    test_defaults(first2);
    test_scalars(first2);
    test_ids(first2);
    test_blobs(first2);
    test_isolation(first2);
    test_installed_shvs(first2);
    test_exchange(ec, second);
    test_foreign_connections(ec, other, first);
    held[0] = first;
    held[1] = second;
    test_limit(ec, held, 2);
    test_released_without_down(management, other);

    /* Wine's proxy checks a NULL [out] pointer only when it unmarshals the answer: the call reaches
     * the service, which creates and counts a connection the EC never gets (until Uninitialize
     * drops the count). Hence this comes after the limit test. */
    hr = INapEnforcementClientBinding_CreateConnection(ec, NULL);
    ok(hr == NULL_REF, "CreateConnection(NULL): refused by the proxy, got %#lx", hr);

    /* After Uninitialize and a new Initialize, connections of the earlier bind are not taken back. */
    hr = INapEnforcementClientBinding_NotifyConnectionStateDown(ec, second);
    ok(hr == S_OK, "last connection down: got %#lx", hr);
    hr = INapEnforcementClientBinding_Uninitialize(ec);
    ok(hr == S_OK, "EC Uninitialize: got %#lx", hr);
    hr = INapEnforcementClientBinding_NotifyConnectionStateDown(ec, second);
    ok(hr == NAP_E_NOT_INITIALIZED, "NotifyConnectionStateDown after Uninitialize: expected NAP_E_NOT_INITIALIZED, "
       "got %#lx", hr);
    hr = INapEnforcementClientBinding_Initialize(ec, EC_ID, &ec_callback);
    ok(hr == S_OK, "EC Initialize again: got %#lx", hr);
    hr = INapEnforcementClientBinding_GetSoHRequest(ec, second, &hint);
    ok(hr == E_INVALIDARG, "GetSoHRequest with a connection of the earlier bind: expected E_INVALIDARG, got %#lx", hr);

    INapEnforcementClientConnection2_Release(first2);
    INapEnforcementClientConnection_Release(first);
    INapEnforcementClientConnection_Release(second);
    hr = INapEnforcementClientBinding_Uninitialize(ec);
    ok(hr == S_OK, "EC Uninitialize: got %#lx", hr);
    hr = INapEnforcementClientBinding_Uninitialize(other);
    ok(hr == S_OK, "other EC Uninitialize: got %#lx", hr);
    hr = INapClientManagement_UnregisterEnforcementClient(management, EC_ID);
    ok(hr == S_OK, "unregister the EC: expected S_OK, got %#lx", hr);
    hr = INapClientManagement_UnregisterEnforcementClient(management, OTHER_EC_ID);
    ok(hr == S_OK, "unregister the other EC: expected S_OK, got %#lx", hr);

    INapEnforcementClientBinding_Release(other);
    INapEnforcementClientBinding_Release(ec);
    INapAgentDiagnostics_Release(diagnostics);
    INapClientManagement_Release(management);
    CoUninitialize();
    return tap_done();
}
