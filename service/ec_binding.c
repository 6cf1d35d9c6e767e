/* CLSID_NapEnforcementClientBinding: one object per enforcement client binding, a thin adapter
 * over a core binding. Methods check their arguments; NAP semantics live in the core.
 *
 * Connections: CreateConnection makes our connection object (ec_connection.c) and counts it in
 * the core. The connection-taking methods recognise our objects (ec_connection_is_ours) and
 * accept only those created since this binding's current Initialize (its "owner" number, new at
 * every successful Initialize, so connections of an earlier binding or bind are refused with
 * E_INVALIDARG). GetSoHRequest also accepts a connection the EC implemented itself, as before
 * connections existed: the change counts as taken and the hint is TRUE, but nothing is put on it. */
#include "agent.h"
#include "resource_usage.h"
#include "napagent.h"
#include "client_handle.h"
#include "ec_connection.h"
#include "correlation_id.h"
#include "machine_info.h"
#include "binding_answer.h"
#include "binding_owner.h"
#include <napenforcementclient.h>

struct ec_binding
{
    INapEnforcementClientBinding INapEnforcementClientBinding_iface;
    LONG ref;
    struct agent_binding *core;
    SRWLOCK lock;
    /* Guarded by lock; set by each successful Initialize. */
    EnforcementEntityId ec_id;
    LONG owner; /* 0: never initialized */
    struct binding_owner id_owner;   /* who may make the calls after Initialize */
};

/* Owner numbers and connection keys, unique in the process. */
static LONG next_owner;
static LONG64 next_connection_key;

static inline struct ec_binding *impl_from_INapEnforcementClientBinding(INapEnforcementClientBinding *iface)
{
    return CONTAINING_RECORD(iface, struct ec_binding, INapEnforcementClientBinding_iface);
}

static HRESULT WINAPI ec_binding_QueryInterface(INapEnforcementClientBinding *iface, REFIID riid, void **out)
{
    if (!out)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_INapEnforcementClientBinding))
    {
        *out = iface;
        INapEnforcementClientBinding_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI ec_binding_AddRef(INapEnforcementClientBinding *iface)
{
    return InterlockedIncrement(&impl_from_INapEnforcementClientBinding(iface)->ref);
}

static ULONG WINAPI ec_binding_Release(INapEnforcementClientBinding *iface)
{
    struct ec_binding *binding = impl_from_INapEnforcementClientBinding(iface);
    ULONG ref = InterlockedDecrement(&binding->ref);

    if (!ref)
    {
        /* Once the core is freed (the service is exiting) its bindings went with it. */
        if (binding->core && agent_host_core())
            agent_binding_destroy(binding->core);
        resource_usage_object_destroyed(SERVED_EC_BINDING);
        HeapFree(GetProcessHeap(), 0, binding);
    }
    return ref;
}

static HRESULT WINAPI ec_binding_Initialize(INapEnforcementClientBinding *iface, EnforcementEntityId id,
                                            INapEnforcementClientCallback *callback)
{
    struct ec_binding *binding = impl_from_INapEnforcementClientBinding(iface);
    LONG owner = InterlockedIncrement(&next_owner);
    struct nap_identity id_owner;
    HRESULT hr;

    hr = client_handle_bind(binding->core, NAP_COMPONENT_ENFORCEMENT_CLIENT, id, (IUnknown *)callback,
                            (IUnknown *)iface, owner, &id_owner);
    if (hr == S_OK)
    {
        binding_owner_set(&binding->id_owner, id, &id_owner);
        AcquireSRWLockExclusive(&binding->lock);
        binding->ec_id = id;
        binding->owner = owner;
        ReleaseSRWLockExclusive(&binding->lock);
    }
    return binding_answer(hr);
}

/* For a connection of ours: S_OK when this binding's current Initialize created it; otherwise
 * the core's answer when the binding is not bound (NAP_E_NOT_INITIALIZED), else E_INVALIDARG. */
static HRESULT check_owner(struct ec_binding *binding, INapEnforcementClientConnection *connection)
{
    nap_result result;
    LONG owner;

    AcquireSRWLockShared(&binding->lock);
    owner = binding->owner;
    ReleaseSRWLockShared(&binding->lock);
    if (owner && ec_connection_owner(connection) == owner)
        return S_OK;
    result = agent_binding_check(binding->core);
    return nap_failed(result) ? binding_answer(result) : E_INVALIDARG;
}

/* The calls after Initialize: from the id's owner or a privileged caller only. */
static HRESULT check_caller(struct ec_binding *binding, const WCHAR *what)
{
    return binding_owner_check(&binding->id_owner, NAP_COMPONENT_ENFORCEMENT_CLIENT, what);
}

static HRESULT WINAPI ec_binding_Uninitialize(INapEnforcementClientBinding *iface)
{
    struct ec_binding *binding = impl_from_INapEnforcementClientBinding(iface);
    HRESULT hr;

    if (FAILED(hr = check_caller(binding, L"Uninitialize")))
        return hr;
    return binding_answer(agent_binding_uninitialize(binding->core));
}

static HRESULT WINAPI ec_binding_CreateConnection(INapEnforcementClientBinding *iface,
                                                  INapEnforcementClientConnection **connection)
{
    struct ec_binding *binding = impl_from_INapEnforcementClientBinding(iface);
    UINT64 key = (UINT64)InterlockedIncrement64(&next_connection_key);
    EnforcementEntityId ec_id;
    nap_result result;
    LONG owner;
    HRESULT hr;

    if (!connection)
        return E_POINTER;
    *connection = NULL;
    if (FAILED(hr = check_caller(binding, L"CreateConnection")))
        return hr;
    result = agent_ec_connection_created(binding->core, key);
    if (nap_failed(result))
        return binding_answer(result);
    AcquireSRWLockShared(&binding->lock);
    ec_id = binding->ec_id;
    owner = binding->owner;
    ReleaseSRWLockShared(&binding->lock);
    if (FAILED(hr = ec_connection_create(ec_id, owner, key, connection)))
        agent_ec_connection_down(binding->core, key);
    return hr;
}

static HRESULT WINAPI ec_binding_GetSoHRequest(INapEnforcementClientBinding *iface,
                                               INapEnforcementClientConnection *connection,
                                               BOOL *retrigger_hint)
{
    struct ec_binding *binding = impl_from_INapEnforcementClientBinding(iface);
    struct agent_soh_request_params params;
    CorrelationId id;
    uint8_t *request;
    size_t size;
    nap_result result;
    int hint;
    HRESULT hr;

    if (!connection || !retrigger_hint)
        return E_POINTER;
    *retrigger_hint = FALSE;
    if (FAILED(hr = check_caller(binding, L"GetSoHRequest")))
        return hr;
    if (!ec_connection_is_ours(connection))
    {
        /* Taking the request is what makes the pending change count as applied. */
        result = agent_ec_soh_request_taken(binding->core);
        if (nap_failed(result))
            return binding_answer(result);
        *retrigger_hint = TRUE;
        return S_OK;
    }
    if (FAILED(hr = check_owner(binding, connection)))
        return hr;
    if (FAILED(hr = correlation_id_new(&id)))
        return hr;
    correlation_id_to_core(&id, &params.correlation);
    params.max_size = ec_connection_max_size(connection);
    params.machine = machine_info_get();
    result = agent_ec_build_soh_request(binding->core, ec_connection_key(connection), &params, &request, &size,
                                        &hint);
    if (nap_failed(result))
        return binding_answer(result);
    hr = ec_connection_put_request(connection, request, (UINT16)size, &id);
    free(request);
    *retrigger_hint = SUCCEEDED(hr) && hint;
    return hr;
}

static HRESULT WINAPI ec_binding_ProcessSoHResponse(INapEnforcementClientBinding *iface,
                                                    INapEnforcementClientConnection *connection)
{
    struct ec_binding *binding = impl_from_INapEnforcementClientBinding(iface);
    struct agent_soh_decision decision;
    BYTE *response;
    nap_result result;
    UINT16 size;
    HRESULT hr;

    if (!connection)
        return E_POINTER;
    if (FAILED(hr = check_caller(binding, L"ProcessSoHResponse")))
        return hr;
    result = agent_ec_connection_check(binding->core);
    if (nap_failed(result))
        return binding_answer(result);
    if (!ec_connection_is_ours(connection))
        return E_INVALIDARG;
    if (FAILED(hr = check_owner(binding, connection)))
        return hr;
    /* No response on the connection: NAP_E_INVALID_PACKET (the EC drops the exchange). */
    if (FAILED(hr = ec_connection_take_response(connection, &response, &size)))
        return hr;
    /* Which request it answers is the core's to check, against the id it handed out: the copy on
     * the connection is the EC's to set. */
    result = agent_ec_process_soh_response(binding->core, ec_connection_key(connection), response, size, &decision);
    HeapFree(GetProcessHeap(), 0, response);
    if (nap_failed(result))
        return binding_answer(result);
    return ec_connection_set_decision(connection, &decision);
}

/* Counted once per connection: reporting a connection that is already down again answers S_OK
 * and changes nothing (the connection is down, as the EC says). */
static HRESULT WINAPI ec_binding_NotifyConnectionStateDown(INapEnforcementClientBinding *iface,
                                                           INapEnforcementClientConnection *connection)
{
    struct ec_binding *binding = impl_from_INapEnforcementClientBinding(iface);
    nap_result result;
    HRESULT hr;

    if (!connection)
        return E_POINTER;
    if (FAILED(hr = check_caller(binding, L"NotifyConnectionStateDown")))
        return hr;
    if (!ec_connection_is_ours(connection))
    {
        result = agent_ec_connection_check(binding->core);
        return nap_failed(result) ? binding_answer(result) : E_INVALIDARG;
    }
    if (FAILED(hr = check_owner(binding, connection)))
        return hr;
    if (!ec_connection_mark_down(connection))
    {
        result = agent_binding_check(binding->core);
        return nap_failed(result) ? binding_answer(result) : S_OK;
    }
    result = agent_ec_connection_down(binding->core, ec_connection_key(connection));
    if (nap_failed(result))
        ec_connection_mark_up(connection);
    return binding_answer(result);
}

static HRESULT WINAPI ec_binding_NotifySoHChangeFailure(INapEnforcementClientBinding *iface)
{
    struct ec_binding *binding = impl_from_INapEnforcementClientBinding(iface);
    HRESULT hr;

    if (FAILED(hr = check_caller(binding, L"NotifySoHChangeFailure")))
        return hr;
    return binding_answer(agent_ec_notify_soh_change_failure(binding->core));
}

static const INapEnforcementClientBindingVtbl ec_binding_vtbl = {
    ec_binding_QueryInterface,
    ec_binding_AddRef,
    ec_binding_Release,
    ec_binding_Initialize,
    ec_binding_Uninitialize,
    ec_binding_CreateConnection,
    ec_binding_GetSoHRequest,
    ec_binding_ProcessSoHResponse,
    ec_binding_NotifyConnectionStateDown,
    ec_binding_NotifySoHChangeFailure,
};

HRESULT ec_binding_create(REFIID riid, void **out)
{
    struct ec_binding *binding;
    struct agent *core = agent_host_core();
    nap_result result;
    HRESULT hr;

    if (!core)
        return NAP_E_SERVICE_NOT_RUNNING;
    binding = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*binding));
    if (!binding)
        return E_OUTOFMEMORY;
    result = agent_binding_create(core, NAP_COMPONENT_ENFORCEMENT_CLIENT, &binding->core);
    if (nap_failed(result))
    {
        HeapFree(GetProcessHeap(), 0, binding);
        return result;
    }
    binding->INapEnforcementClientBinding_iface.lpVtbl = &ec_binding_vtbl;
    binding->ref = 1;
    resource_usage_object_created(SERVED_EC_BINDING);
    InitializeSRWLock(&binding->lock);
    binding_owner_init(&binding->id_owner);
    hr = INapEnforcementClientBinding_QueryInterface(&binding->INapEnforcementClientBinding_iface, riid, out);
    INapEnforcementClientBinding_Release(&binding->INapEnforcementClientBinding_iface);
    return hr;
}
