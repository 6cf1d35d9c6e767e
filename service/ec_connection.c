/* The connection object of INapEnforcementClientBinding::CreateConnection:
 * INapEnforcementClientConnection and INapEnforcementClientConnection2 (one vtable), a property
 * bag the EC fills partly and the agent partly. It lives in the service process; the EC uses it
 * through the proxy, so calls arrive on several RPC threads: every field is guarded by the lock.
 *
 * Rules (docs/architecture.md points here; the NAP documentation is silent on the choices marked
 * "choice"):
 * - Every [in] is checked: NULL → E_POINTER, a size, count or enum out of its documented range →
 *   E_INVALIDARG. Every [out] is CoTaskMemAlloc'd; on failure outs are NULL / 0.
 * - Initialize: the agent calls it at creation with the EC's id; any later call answers
 *   HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED), as a second binding Initialize does (choice).
 * - MaxSize: minProtocolMaxSize..maxProtocolMaxSize, defaultProtocolMaxSize until set.
 * - Flags: 0 or freshSoHRequest, the only flag NAP defines; other bits → E_INVALIDARG (choice).
 * - ConnectionId before SetConnectionId: GUID_NULL and S_OK (choice): the EC is told to set one
 *   right after creation and uses it mainly for logging, so an error would only break logging
 *   code; GUID_NULL is recognisably "not set". CorrelationId before any set: all zero, S_OK.
 * - StringCorrelationId (choice of format): "{connId GUID} - YYYY/MM/DD HH:MM:SS.mmm", the time
 *   stamp in UTC; a time stamp FileTimeToSystemTime refuses is written as 16 hex digits.
 * - SoH request/response: minNetworkSoHSize..maxNetworkSoHSize bytes (the IDL's range of
 *   NetworkSoH), copied. Getting one that was never set → NAP_E_MISSING_SOH (choice: there is no
 *   valid empty NetworkSoH to hand out, and "an SoH is missing" is what happened).
 * - IsolationInfo(Ex): one decision per connection; SetIsolationInfo (no extended state) sets the
 *   extended state to NoData. Until set (by ProcessSoHResponse or a Set): NotRestricted, NoData,
 *   probEndTime 0, failureUrl "" (choice: the same answer as the system's isolation info over no
 *   connections, isolation_info.c). failureUrl ≤ maxStringLength, deep-copied.
 * - PrivateData / EnforcerPrivateData: 0..maxPrivateDataSize bytes; until set (or set with size
 *   0): size 0, data NULL, S_OK.
 * - InstalledShvs: SetInstalledShvs takes 1..maxSystemHealthEntityCount ids (count 0 →
 *   E_INVALIDARG, as documented); until set, Get answers count 0, ids NULL, S_OK.
 * - Released without NotifyConnectionStateDown (choice): the connection is down for the agent
 *   from then on, as if reported: its slot is free, it no longer makes unknownConnections TRUE,
 *   and an outstanding request is reported orphaned. Told by key (agent_ec_connection_released),
 *   not through the binding, and without waiting: the last release may run on any thread. */
#include "agent.h" /* first: libuv wants winsock2.h before windows.h */
#include "napagent.h"
#include "resource_usage.h"
#include "ec_connection.h"
#include "counted_string.h"
#include "correlation_id.h"

struct blob
{
    UINT16 size;
    BYTE *data; /* HeapAlloc'd; NULL when size is 0 */
};

struct ec_connection
{
    INapEnforcementClientConnection2 INapEnforcementClientConnection2_iface;
    LONG ref;
    struct ec_connection *prev, *next;   /* in live_connections, under live_lock */
    LONG owner;
    UINT64 key;
    SRWLOCK lock;
    /* Guarded by lock: */
    BOOL initialized;
    EnforcementEntityId ec_id;
    BOOL down;
    ProtocolMaxSize max_size;
    UINT8 flags;
    ConnectionId connection_id;
    CorrelationId correlation_id;
    struct blob request, response, private_data, enforcer_private_data;
    IsolationState isolation_state;
    ExtendedIsolationState extended_isolation_state;
    ProbationTime prob_end_time;
    CountedString failure_url; /* CoTaskMemAlloc'd; {0, NULL} for "" */
    UINT16 shv_count;
    SystemHealthEntityId shvs[maxSystemHealthEntityCount];
};

static const INapEnforcementClientConnection2Vtbl ec_connection_vtbl;

/* Every live connection, so that those of a dead EC can be found (ec_connection_disconnect_owner). */
static SRWLOCK live_lock = SRWLOCK_INIT;
static struct ec_connection *live_connections;

static inline struct ec_connection *impl_from_INapEnforcementClientConnection2(INapEnforcementClientConnection2 *iface)
{
    return CONTAINING_RECORD(iface, struct ec_connection, INapEnforcementClientConnection2_iface);
}

static inline struct ec_connection *impl_from_connection(INapEnforcementClientConnection *connection)
{
    return impl_from_INapEnforcementClientConnection2((INapEnforcementClientConnection2 *)connection);
}

/* ---- Blobs ---- */

static void blob_clear(struct blob *b)
{
    HeapFree(GetProcessHeap(), 0, b->data);
    b->data = NULL;
    b->size = 0;
}

/* Replaces *to with a copy of data; *to is unchanged on failure. */
static HRESULT blob_set(struct blob *to, const BYTE *data, UINT16 size)
{
    BYTE *copy = NULL;

    if (size && !(copy = HeapAlloc(GetProcessHeap(), 0, size)))
        return E_OUTOFMEMORY;
    if (size)
        memcpy(copy, data, size);
    blob_clear(to);
    to->data = copy;
    to->size = size;
    return S_OK;
}

/* NetworkSoH and PrivateData have the same layout: {UINT16 size; BYTE *data}. */
_Static_assert(sizeof(NetworkSoH) == sizeof(PrivateData), "NetworkSoH and PrivateData");
_Static_assert(offsetof(NetworkSoH, data) == offsetof(PrivateData, data), "NetworkSoH and PrivateData");

/* A CoTaskMemAlloc'd {size, data} copy of the blob (data NULL when empty). */
static HRESULT blob_out(const struct blob *from, PrivateData **out)
{
    PrivateData *copy = CoTaskMemAlloc(sizeof(*copy));

    *out = NULL;
    if (!copy)
        return E_OUTOFMEMORY;
    copy->size = 0;
    copy->data = NULL;
    if (from->size)
    {
        if (!(copy->data = CoTaskMemAlloc(from->size)))
        {
            CoTaskMemFree(copy);
            return E_OUTOFMEMORY;
        }
        memcpy(copy->data, from->data, from->size);
        copy->size = from->size;
    }
    *out = copy;
    return S_OK;
}

static HRESULT check_network_soh(const NetworkSoH *soh)
{
    if (!soh)
        return E_POINTER;
    if (soh->size < minNetworkSoHSize || soh->size > maxNetworkSoHSize || !soh->data)
        return E_INVALIDARG;
    return S_OK;
}

static HRESULT check_private_data(const PrivateData *data)
{
    if (!data)
        return E_POINTER;
    if (data->size > maxPrivateDataSize || (data->size && !data->data))
        return E_INVALIDARG;
    return S_OK;
}

/* ---- IUnknown ---- */

static HRESULT WINAPI ec_connection_QueryInterface(INapEnforcementClientConnection2 *iface, REFIID riid, void **out)
{
    if (!out)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_INapEnforcementClientConnection)
        || IsEqualIID(riid, &IID_INapEnforcementClientConnection2))
    {
        *out = iface;
        INapEnforcementClientConnection2_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI ec_connection_AddRef(INapEnforcementClientConnection2 *iface)
{
    return InterlockedIncrement(&impl_from_INapEnforcementClientConnection2(iface)->ref);
}

static ULONG WINAPI ec_connection_Release(INapEnforcementClientConnection2 *iface)
{
    struct ec_connection *connection = impl_from_INapEnforcementClientConnection2(iface);
    ULONG ref = InterlockedDecrement(&connection->ref);

    if (!ref)
    {
        if (!connection->down && connection->initialized)
            agent_ec_connection_released(agent_host_core(), connection->key);
        blob_clear(&connection->request);
        blob_clear(&connection->response);
        blob_clear(&connection->private_data);
        blob_clear(&connection->enforcer_private_data);
        counted_clear(&connection->failure_url);
        AcquireSRWLockExclusive(&live_lock);
        if (connection->prev)
            connection->prev->next = connection->next;
        else
            live_connections = connection->next;
        if (connection->next)
            connection->next->prev = connection->prev;
        ReleaseSRWLockExclusive(&live_lock);
        resource_usage_object_destroyed(SERVED_CONNECTION);
        HeapFree(GetProcessHeap(), 0, connection);
    }
    return ref;
}

/* ---- INapEnforcementClientConnection ---- */

static HRESULT WINAPI ec_connection_Initialize(INapEnforcementClientConnection2 *iface, EnforcementEntityId id)
{
    struct ec_connection *connection = impl_from_INapEnforcementClientConnection2(iface);
    HRESULT hr = S_OK;

    AcquireSRWLockExclusive(&connection->lock);
    if (connection->initialized)
        hr = HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED);
    else
    {
        connection->initialized = TRUE;
        connection->ec_id = id;
    }
    ReleaseSRWLockExclusive(&connection->lock);
    return hr;
}

static HRESULT WINAPI ec_connection_SetMaxSize(INapEnforcementClientConnection2 *iface, ProtocolMaxSize max_size)
{
    struct ec_connection *connection = impl_from_INapEnforcementClientConnection2(iface);

    if (max_size < minProtocolMaxSize || max_size > maxProtocolMaxSize)
        return E_INVALIDARG;
    AcquireSRWLockExclusive(&connection->lock);
    connection->max_size = max_size;
    ReleaseSRWLockExclusive(&connection->lock);
    return S_OK;
}

static HRESULT WINAPI ec_connection_GetMaxSize(INapEnforcementClientConnection2 *iface, ProtocolMaxSize *max_size)
{
    struct ec_connection *connection = impl_from_INapEnforcementClientConnection2(iface);

    if (!max_size)
        return E_POINTER;
    AcquireSRWLockShared(&connection->lock);
    *max_size = connection->max_size;
    ReleaseSRWLockShared(&connection->lock);
    return S_OK;
}

static HRESULT WINAPI ec_connection_SetFlags(INapEnforcementClientConnection2 *iface, UINT8 flags)
{
    struct ec_connection *connection = impl_from_INapEnforcementClientConnection2(iface);

    if (flags & ~freshSoHRequest)
        return E_INVALIDARG;
    AcquireSRWLockExclusive(&connection->lock);
    connection->flags = flags;
    ReleaseSRWLockExclusive(&connection->lock);
    return S_OK;
}

static HRESULT WINAPI ec_connection_GetFlags(INapEnforcementClientConnection2 *iface, UINT8 *flags)
{
    struct ec_connection *connection = impl_from_INapEnforcementClientConnection2(iface);

    if (!flags)
        return E_POINTER;
    AcquireSRWLockShared(&connection->lock);
    *flags = connection->flags;
    ReleaseSRWLockShared(&connection->lock);
    return S_OK;
}

static HRESULT WINAPI ec_connection_SetConnectionId(INapEnforcementClientConnection2 *iface, const ConnectionId *id)
{
    struct ec_connection *connection = impl_from_INapEnforcementClientConnection2(iface);

    if (!id)
        return E_POINTER;
    AcquireSRWLockExclusive(&connection->lock);
    connection->connection_id = *id;
    ReleaseSRWLockExclusive(&connection->lock);
    return S_OK;
}

static HRESULT WINAPI ec_connection_GetConnectionId(INapEnforcementClientConnection2 *iface, ConnectionId **id)
{
    struct ec_connection *connection = impl_from_INapEnforcementClientConnection2(iface);
    ConnectionId *copy;

    if (!id)
        return E_POINTER;
    *id = NULL;
    if (!(copy = CoTaskMemAlloc(sizeof(*copy))))
        return E_OUTOFMEMORY;
    AcquireSRWLockShared(&connection->lock);
    *copy = connection->connection_id;
    ReleaseSRWLockShared(&connection->lock);
    *id = copy;
    return S_OK;
}

static HRESULT WINAPI ec_connection_GetCorrelationId(INapEnforcementClientConnection2 *iface, CorrelationId *id)
{
    struct ec_connection *connection = impl_from_INapEnforcementClientConnection2(iface);

    if (!id)
        return E_POINTER;
    AcquireSRWLockShared(&connection->lock);
    *id = connection->correlation_id;
    ReleaseSRWLockShared(&connection->lock);
    return S_OK;
}

static HRESULT WINAPI ec_connection_GetStringCorrelationId(INapEnforcementClientConnection2 *iface,
                                                           StringCorrelationId **id)
{
    struct ec_connection *connection = impl_from_INapEnforcementClientConnection2(iface);
    CorrelationId current;

    if (!id)
        return E_POINTER;
    *id = NULL;
    AcquireSRWLockShared(&connection->lock);
    current = connection->correlation_id;
    ReleaseSRWLockShared(&connection->lock);
    return correlation_id_string(&current, id);
}

static HRESULT WINAPI ec_connection_SetCorrelationId(INapEnforcementClientConnection2 *iface, CorrelationId id)
{
    struct ec_connection *connection = impl_from_INapEnforcementClientConnection2(iface);

    AcquireSRWLockExclusive(&connection->lock);
    connection->correlation_id = id;
    ReleaseSRWLockExclusive(&connection->lock);
    return S_OK;
}

static HRESULT set_blob(struct ec_connection *connection, struct blob *to, const BYTE *data, UINT16 size)
{
    HRESULT hr;

    AcquireSRWLockExclusive(&connection->lock);
    hr = blob_set(to, data, size);
    ReleaseSRWLockExclusive(&connection->lock);
    return hr;
}

/* missing: the answer when nothing was set (S_OK hands out an empty blob). */
static HRESULT get_blob(struct ec_connection *connection, const struct blob *from, PrivateData **out,
                        HRESULT missing)
{
    HRESULT hr;

    if (!out)
        return E_POINTER;
    *out = NULL;
    AcquireSRWLockShared(&connection->lock);
    hr = !from->size && FAILED(missing) ? missing : blob_out(from, out);
    ReleaseSRWLockShared(&connection->lock);
    return hr;
}

static HRESULT WINAPI ec_connection_SetSoHRequest(INapEnforcementClientConnection2 *iface,
                                                  const NetworkSoHRequest *request)
{
    struct ec_connection *connection = impl_from_INapEnforcementClientConnection2(iface);
    HRESULT hr;

    if (FAILED(hr = check_network_soh(request)))
        return hr;
    return set_blob(connection, &connection->request, request->data, request->size);
}

static HRESULT WINAPI ec_connection_GetSoHRequest(INapEnforcementClientConnection2 *iface, NetworkSoHRequest **request)
{
    struct ec_connection *connection = impl_from_INapEnforcementClientConnection2(iface);

    return get_blob(connection, &connection->request, (PrivateData **)request, NAP_E_MISSING_SOH);
}

static HRESULT WINAPI ec_connection_SetSoHResponse(INapEnforcementClientConnection2 *iface,
                                                   const NetworkSoHResponse *response)
{
    struct ec_connection *connection = impl_from_INapEnforcementClientConnection2(iface);
    HRESULT hr;

    if (FAILED(hr = check_network_soh(response)))
        return hr;
    return set_blob(connection, &connection->response, response->data, response->size);
}

static HRESULT WINAPI ec_connection_GetSoHResponse(INapEnforcementClientConnection2 *iface,
                                                   NetworkSoHResponse **response)
{
    struct ec_connection *connection = impl_from_INapEnforcementClientConnection2(iface);

    return get_blob(connection, &connection->response, (PrivateData **)response, NAP_E_MISSING_SOH);
}

/* Stores a decision; extended is NoData for the non-Ex setter. */
static HRESULT set_isolation(struct ec_connection *connection, IsolationState state, ExtendedIsolationState extended,
                             ProbationTime prob_end_time, const CountedString *url)
{
    CountedString copy;
    HRESULT hr;

    if (state < isolationStateNotRestricted || state > isolationStateRestrictedAccess
        || extended < extendedIsolationStateNoData || extended > extendedIsolationStateUnknown)
        return E_INVALIDARG;
    if (FAILED(hr = counted_copy(&copy, url)))
        return hr;
    AcquireSRWLockExclusive(&connection->lock);
    counted_clear(&connection->failure_url);
    connection->failure_url = copy;
    connection->isolation_state = state;
    connection->extended_isolation_state = extended;
    connection->prob_end_time = prob_end_time;
    ReleaseSRWLockExclusive(&connection->lock);
    return S_OK;
}

/* Copies the decision under the lock; the URL is always a string (length + 1 WCHARs). */
static HRESULT get_isolation(struct ec_connection *connection, IsolationState *state, ExtendedIsolationState *extended,
                             ProbationTime *prob_end_time, CountedString *url)
{
    HRESULT hr;

    AcquireSRWLockShared(&connection->lock);
    *state = connection->isolation_state;
    if (extended)
        *extended = connection->extended_isolation_state;
    *prob_end_time = connection->prob_end_time;
    hr = counted_set(url, connection->failure_url.string, connection->failure_url.length);
    ReleaseSRWLockShared(&connection->lock);
    return hr;
}

static HRESULT WINAPI ec_connection_SetIsolationInfo(INapEnforcementClientConnection2 *iface, const IsolationInfo *info)
{
    if (!info)
        return E_POINTER;
    return set_isolation(impl_from_INapEnforcementClientConnection2(iface), info->isolationState,
                         extendedIsolationStateNoData, info->probEndTime, &info->failureUrl);
}

static HRESULT WINAPI ec_connection_GetIsolationInfo(INapEnforcementClientConnection2 *iface, IsolationInfo **info)
{
    IsolationInfo *copy;
    HRESULT hr;

    if (!info)
        return E_POINTER;
    *info = NULL;
    if (!(copy = CoTaskMemAlloc(sizeof(*copy))))
        return E_OUTOFMEMORY;
    memset(copy, 0, sizeof(*copy));
    if (FAILED(hr = get_isolation(impl_from_INapEnforcementClientConnection2(iface), &copy->isolationState, NULL,
                                  &copy->probEndTime, &copy->failureUrl)))
    {
        CoTaskMemFree(copy);
        return hr;
    }
    *info = copy;
    return S_OK;
}

static HRESULT WINAPI ec_connection_SetPrivateData(INapEnforcementClientConnection2 *iface, const PrivateData *data)
{
    struct ec_connection *connection = impl_from_INapEnforcementClientConnection2(iface);
    HRESULT hr;

    if (FAILED(hr = check_private_data(data)))
        return hr;
    return set_blob(connection, &connection->private_data, data->data, data->size);
}

static HRESULT WINAPI ec_connection_GetPrivateData(INapEnforcementClientConnection2 *iface, PrivateData **data)
{
    struct ec_connection *connection = impl_from_INapEnforcementClientConnection2(iface);

    return get_blob(connection, &connection->private_data, data, S_OK);
}

static HRESULT WINAPI ec_connection_SetEnforcerPrivateData(INapEnforcementClientConnection2 *iface,
                                                           const PrivateData *data)
{
    struct ec_connection *connection = impl_from_INapEnforcementClientConnection2(iface);
    HRESULT hr;

    if (FAILED(hr = check_private_data(data)))
        return hr;
    return set_blob(connection, &connection->enforcer_private_data, data->data, data->size);
}

static HRESULT WINAPI ec_connection_GetEnforcerPrivateData(INapEnforcementClientConnection2 *iface, PrivateData **data)
{
    struct ec_connection *connection = impl_from_INapEnforcementClientConnection2(iface);

    return get_blob(connection, &connection->enforcer_private_data, data, S_OK);
}

/* ---- INapEnforcementClientConnection2 ---- */

static HRESULT WINAPI ec_connection_SetIsolationInfoEx(INapEnforcementClientConnection2 *iface,
                                                       const IsolationInfoEx *info)
{
    if (!info)
        return E_POINTER;
    return set_isolation(impl_from_INapEnforcementClientConnection2(iface), info->isolationState,
                         info->extendedIsolationState, info->probEndTime, &info->failureUrl);
}

static HRESULT WINAPI ec_connection_GetIsolationInfoEx(INapEnforcementClientConnection2 *iface, IsolationInfoEx **info)
{
    IsolationInfoEx *copy;
    HRESULT hr;

    if (!info)
        return E_POINTER;
    *info = NULL;
    if (!(copy = CoTaskMemAlloc(sizeof(*copy))))
        return E_OUTOFMEMORY;
    memset(copy, 0, sizeof(*copy));
    if (FAILED(hr = get_isolation(impl_from_INapEnforcementClientConnection2(iface), &copy->isolationState,
                                  &copy->extendedIsolationState, &copy->probEndTime, &copy->failureUrl)))
    {
        CoTaskMemFree(copy);
        return hr;
    }
    *info = copy;
    return S_OK;
}

static HRESULT WINAPI ec_connection_GetInstalledShvs(INapEnforcementClientConnection2 *iface,
                                                     SystemHealthEntityCount *count, SystemHealthEntityId **ids)
{
    struct ec_connection *connection = impl_from_INapEnforcementClientConnection2(iface);
    SystemHealthEntityId *copy = NULL;
    HRESULT hr = S_OK;

    if (!count || !ids)
        return E_POINTER;
    *count = 0;
    *ids = NULL;
    AcquireSRWLockShared(&connection->lock);
    if (connection->shv_count)
    {
        if ((copy = CoTaskMemAlloc(connection->shv_count * sizeof(*copy))))
        {
            memcpy(copy, connection->shvs, connection->shv_count * sizeof(*copy));
            *count = connection->shv_count;
            *ids = copy;
        }
        else
            hr = E_OUTOFMEMORY;
    }
    ReleaseSRWLockShared(&connection->lock);
    return hr;
}

static HRESULT WINAPI ec_connection_SetInstalledShvs(INapEnforcementClientConnection2 *iface,
                                                     SystemHealthEntityCount count, SystemHealthEntityId *ids)
{
    struct ec_connection *connection = impl_from_INapEnforcementClientConnection2(iface);

    if (!count || count > maxSystemHealthEntityCount)
        return E_INVALIDARG;
    if (!ids)
        return E_POINTER;
    AcquireSRWLockExclusive(&connection->lock);
    memcpy(connection->shvs, ids, count * sizeof(*ids));
    connection->shv_count = count;
    ReleaseSRWLockExclusive(&connection->lock);
    return S_OK;
}

static const INapEnforcementClientConnection2Vtbl ec_connection_vtbl = {
    ec_connection_QueryInterface,
    ec_connection_AddRef,
    ec_connection_Release,
    ec_connection_Initialize,
    ec_connection_SetMaxSize,
    ec_connection_GetMaxSize,
    ec_connection_SetFlags,
    ec_connection_GetFlags,
    ec_connection_SetConnectionId,
    ec_connection_GetConnectionId,
    ec_connection_GetCorrelationId,
    ec_connection_GetStringCorrelationId,
    ec_connection_SetCorrelationId,
    ec_connection_SetSoHRequest,
    ec_connection_GetSoHRequest,
    ec_connection_SetSoHResponse,
    ec_connection_GetSoHResponse,
    ec_connection_SetIsolationInfo,
    ec_connection_GetIsolationInfo,
    ec_connection_SetPrivateData,
    ec_connection_GetPrivateData,
    ec_connection_SetEnforcerPrivateData,
    ec_connection_GetEnforcerPrivateData,
    ec_connection_SetIsolationInfoEx,
    ec_connection_GetIsolationInfoEx,
    ec_connection_GetInstalledShvs,
    ec_connection_SetInstalledShvs,
};

/* ---- Internal calls (ec_connection.h) ---- */

HRESULT ec_connection_create(EnforcementEntityId ec_id, LONG owner, UINT64 key, INapEnforcementClientConnection **out)
{
    struct ec_connection *connection;
    HRESULT hr;

    *out = NULL;
    connection = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*connection));
    if (!connection)
        return E_OUTOFMEMORY;
    connection->INapEnforcementClientConnection2_iface.lpVtbl = &ec_connection_vtbl;
    connection->ref = 1;
    resource_usage_object_created(SERVED_CONNECTION);
    connection->owner = owner;
    connection->key = key;
    InitializeSRWLock(&connection->lock);
    connection->max_size = defaultProtocolMaxSize;
    connection->isolation_state = isolationStateNotRestricted;
    connection->extended_isolation_state = extendedIsolationStateNoData;
    hr = ec_connection_Initialize(&connection->INapEnforcementClientConnection2_iface, ec_id);
    AcquireSRWLockExclusive(&live_lock);
    connection->next = live_connections;
    if (live_connections)
        live_connections->prev = connection;
    live_connections = connection;
    ReleaseSRWLockExclusive(&live_lock);
    if (SUCCEEDED(hr))
        *out = (INapEnforcementClientConnection *)&connection->INapEnforcementClientConnection2_iface;
    else
        ec_connection_Release(&connection->INapEnforcementClientConnection2_iface);
    return hr;
}

void ec_connection_disconnect_owner(LONG owner)
{
    struct ec_connection *found[maxConnectionCountPerEnforcer * 2], *c;
    size_t count;

    /* A batch at a time: CoDisconnectObject and the last Release run outside the lock, since that
     * Release takes it. An object whose count already reached 0 is being freed: not taken. */
    do
    {
        count = 0;
        AcquireSRWLockExclusive(&live_lock);
        for (c = live_connections; c && count < ARRAYSIZE(found); c = c->next)
            if (c->owner == owner && c->ref > 0 && InterlockedIncrement(&c->ref) > 1)
            {
                InterlockedExchange(&c->owner, 0);   /* taken: the next batch skips it; no binding owns it */
                found[count++] = c;
            }
        ReleaseSRWLockExclusive(&live_lock);
        for (size_t i = 0; i < count; ++i)
        {
            CoDisconnectObject((IUnknown *)&found[i]->INapEnforcementClientConnection2_iface, 0);
            ec_connection_Release(&found[i]->INapEnforcementClientConnection2_iface);
        }
    } while (count == ARRAYSIZE(found));
}

BOOL ec_connection_is_ours(const void *connection)
{
    return connection && ((const INapEnforcementClientConnection2 *)connection)->lpVtbl == &ec_connection_vtbl;
}

LONG ec_connection_owner(INapEnforcementClientConnection *connection)
{
    return impl_from_connection(connection)->owner;
}

UINT64 ec_connection_key(INapEnforcementClientConnection *connection)
{
    return impl_from_connection(connection)->key;
}

ProtocolMaxSize ec_connection_max_size(INapEnforcementClientConnection *connection)
{
    struct ec_connection *c = impl_from_connection(connection);
    ProtocolMaxSize size;

    AcquireSRWLockShared(&c->lock);
    size = c->max_size;
    ReleaseSRWLockShared(&c->lock);
    return size;
}

HRESULT ec_connection_put_request(INapEnforcementClientConnection *iface, const BYTE *data, UINT16 size,
                                  const CorrelationId *id)
{
    struct ec_connection *connection = impl_from_connection(iface);
    HRESULT hr;

    if (size < minNetworkSoHSize || size > maxNetworkSoHSize)
        return E_INVALIDARG;
    AcquireSRWLockExclusive(&connection->lock);
    if (SUCCEEDED(hr = blob_set(&connection->request, data, size)))
        connection->correlation_id = *id;
    ReleaseSRWLockExclusive(&connection->lock);
    return hr;
}

HRESULT ec_connection_take_response(INapEnforcementClientConnection *iface, BYTE **data, UINT16 *size)
{
    struct ec_connection *connection = impl_from_connection(iface);
    HRESULT hr = S_OK;

    *data = NULL;
    *size = 0;
    AcquireSRWLockShared(&connection->lock);
    if (!connection->response.size)
        hr = NAP_E_INVALID_PACKET;
    else if (!(*data = HeapAlloc(GetProcessHeap(), 0, connection->response.size)))
        hr = E_OUTOFMEMORY;
    else
    {
        memcpy(*data, connection->response.data, connection->response.size);
        *size = connection->response.size;
    }
    ReleaseSRWLockShared(&connection->lock);
    return hr;
}

HRESULT ec_connection_set_decision(INapEnforcementClientConnection *iface, const struct agent_soh_decision *decision)
{
    struct ec_connection *connection = impl_from_connection(iface);
    CountedString url = {0, NULL};
    ProbationTime end;
    HRESULT hr;

    if (FAILED(hr = counted_from_utf8(&url, decision->isolation.url)))
        return hr;
    end.dwHighDateTime = (DWORD)(decision->isolation.probation_end >> 32);
    end.dwLowDateTime = (DWORD)decision->isolation.probation_end;
    hr = set_isolation(connection, decision->isolation.state, decision->isolation.extended, end, &url);
    counted_clear(&url);
    if (FAILED(hr))
        return hr;
    AcquireSRWLockExclusive(&connection->lock);
    connection->shv_count = (UINT16)min(decision->installed_shv_count, (size_t)maxSystemHealthEntityCount);
    for (UINT16 i = 0; i < connection->shv_count; ++i)
        connection->shvs[i] = decision->installed_shvs[i];
    ReleaseSRWLockExclusive(&connection->lock);
    return S_OK;
}

BOOL ec_connection_mark_down(INapEnforcementClientConnection *iface)
{
    struct ec_connection *connection = impl_from_connection(iface);
    BOOL first;

    AcquireSRWLockExclusive(&connection->lock);
    first = !connection->down;
    connection->down = TRUE;
    ReleaseSRWLockExclusive(&connection->lock);
    return first;
}

void ec_connection_mark_up(INapEnforcementClientConnection *iface)
{
    struct ec_connection *connection = impl_from_connection(iface);

    AcquireSRWLockExclusive(&connection->lock);
    connection->down = FALSE;
    ReleaseSRWLockExclusive(&connection->lock);
}
