/* CLSID_NapEnforcementClientBinding: one object per enforcement client binding, a thin adapter
 * over a core binding. Methods check their arguments; NAP semantics live in the core. */
#include "agent.h"
#include "napagent.h"
#include "client_handle.h"
#include <napenforcementclient.h>

struct ec_binding
{
    INapEnforcementClientBinding INapEnforcementClientBinding_iface;
    LONG ref;
    struct agent_binding *core;
};

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
        HeapFree(GetProcessHeap(), 0, binding);
    }
    return ref;
}

static HRESULT WINAPI ec_binding_Initialize(INapEnforcementClientBinding *iface, EnforcementEntityId id,
                                            INapEnforcementClientCallback *callback)
{
    struct ec_binding *binding = impl_from_INapEnforcementClientBinding(iface);

    return client_handle_bind(binding->core, id, (IUnknown *)callback, (IUnknown *)iface);
}

static HRESULT WINAPI ec_binding_Uninitialize(INapEnforcementClientBinding *iface)
{
    return agent_binding_uninitialize(impl_from_INapEnforcementClientBinding(iface)->core);
}

static HRESULT WINAPI ec_binding_CreateConnection(INapEnforcementClientBinding *iface,
                                                  INapEnforcementClientConnection **connection)
{
    struct ec_binding *binding = impl_from_INapEnforcementClientBinding(iface);
    nap_result result;

    if (!connection)
        return E_POINTER;
    *connection = NULL;
    result = agent_ec_connection_created(binding->core);
    if (nap_failed(result))
        return result;
    /* Connection objects are the next step of the COM API issue; until then none is created. */
    agent_ec_connection_down(binding->core);
    return E_NOTIMPL;
}

static HRESULT WINAPI ec_binding_GetSoHRequest(INapEnforcementClientBinding *iface,
                                               INapEnforcementClientConnection *connection,
                                               BOOL *retrigger_hint)
{
    struct ec_binding *binding = impl_from_INapEnforcementClientBinding(iface);
    nap_result result;

    if (!connection || !retrigger_hint)
        return E_POINTER;
    /* Taking the request is what makes the pending change count as applied. */
    result = agent_ec_soh_request_taken(binding->core);
    if (nap_failed(result))
        return result;
    *retrigger_hint = TRUE;
    return S_OK;
}

static HRESULT WINAPI ec_binding_ProcessSoHResponse(INapEnforcementClientBinding *iface,
                                                    INapEnforcementClientConnection *connection)
{
    if (!connection)
        return E_POINTER;
    return agent_ec_connection_check(impl_from_INapEnforcementClientBinding(iface)->core);
}

static HRESULT WINAPI ec_binding_NotifyConnectionStateDown(INapEnforcementClientBinding *iface,
                                                           INapEnforcementClientConnection *connection)
{
    if (!connection)
        return E_POINTER;
    return agent_ec_connection_check(impl_from_INapEnforcementClientBinding(iface)->core);
}

static HRESULT WINAPI ec_binding_NotifySoHChangeFailure(INapEnforcementClientBinding *iface)
{
    return agent_ec_notify_soh_change_failure(impl_from_INapEnforcementClientBinding(iface)->core);
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
    hr = INapEnforcementClientBinding_QueryInterface(&binding->INapEnforcementClientBinding_iface, riid, out);
    INapEnforcementClientBinding_Release(&binding->INapEnforcementClientBinding_iface);
    return hr;
}
