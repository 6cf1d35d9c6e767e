/* CLSID_NapEnforcementClientBinding: one object per enforcement client binding. Methods check
 * their arguments and the binding's state; NAP semantics belong to the agent core. */
#include "napagent.h"
#include <napenforcementclient.h>

struct ec_binding
{
    INapEnforcementClientBinding INapEnforcementClientBinding_iface;
    LONG ref;
    /* Until the agent core tracks bindings, no enforcement client can be registered (the
     * management class does not exist yet), so no binding is ever initialized. */
    BOOL initialized;
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
        HeapFree(GetProcessHeap(), 0, binding);
    return ref;
}

static HRESULT WINAPI ec_binding_Initialize(INapEnforcementClientBinding *iface, EnforcementEntityId id,
                                            INapEnforcementClientCallback *callback)
{
    struct ec_binding *binding = impl_from_INapEnforcementClientBinding(iface);

    if (!callback)
        return E_POINTER;
    if (binding->initialized)
        return HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED);
    service_log("EC binding %p: Initialize(%#x) refused: not registered", (void *)binding, id);
    return NAP_E_NOT_REGISTERED;
}

static HRESULT WINAPI ec_binding_Uninitialize(INapEnforcementClientBinding *iface)
{
    struct ec_binding *binding = impl_from_INapEnforcementClientBinding(iface);

    return binding->initialized ? S_OK : NAP_E_NOT_INITIALIZED;
}

static HRESULT WINAPI ec_binding_CreateConnection(INapEnforcementClientBinding *iface,
                                                  INapEnforcementClientConnection **connection)
{
    struct ec_binding *binding = impl_from_INapEnforcementClientBinding(iface);

    if (!connection)
        return E_POINTER;
    *connection = NULL;
    return binding->initialized ? E_NOTIMPL : NAP_E_NOT_INITIALIZED;
}

static HRESULT WINAPI ec_binding_GetSoHRequest(INapEnforcementClientBinding *iface,
                                               INapEnforcementClientConnection *connection,
                                               BOOL *retrigger_hint)
{
    struct ec_binding *binding = impl_from_INapEnforcementClientBinding(iface);

    if (!connection || !retrigger_hint)
        return E_POINTER;
    return binding->initialized ? E_NOTIMPL : NAP_E_NOT_INITIALIZED;
}

static HRESULT WINAPI ec_binding_ProcessSoHResponse(INapEnforcementClientBinding *iface,
                                                    INapEnforcementClientConnection *connection)
{
    struct ec_binding *binding = impl_from_INapEnforcementClientBinding(iface);

    if (!connection)
        return E_POINTER;
    return binding->initialized ? E_NOTIMPL : NAP_E_NOT_INITIALIZED;
}

static HRESULT WINAPI ec_binding_NotifyConnectionStateDown(INapEnforcementClientBinding *iface,
                                                           INapEnforcementClientConnection *connection)
{
    struct ec_binding *binding = impl_from_INapEnforcementClientBinding(iface);

    if (!connection)
        return E_POINTER;
    return binding->initialized ? E_NOTIMPL : NAP_E_NOT_INITIALIZED;
}

static HRESULT WINAPI ec_binding_NotifySoHChangeFailure(INapEnforcementClientBinding *iface)
{
    struct ec_binding *binding = impl_from_INapEnforcementClientBinding(iface);

    return binding->initialized ? NAP_E_NOT_PENDING : NAP_E_NOT_INITIALIZED;
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
    struct ec_binding *binding = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*binding));
    HRESULT hr;

    if (!binding)
        return E_OUTOFMEMORY;
    binding->INapEnforcementClientBinding_iface.lpVtbl = &ec_binding_vtbl;
    binding->ref = 1;
    hr = INapEnforcementClientBinding_QueryInterface(&binding->INapEnforcementClientBinding_iface, riid, out);
    INapEnforcementClientBinding_Release(&binding->INapEnforcementClientBinding_iface);
    return hr;
}
