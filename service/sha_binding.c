/* CLSID_NapSystemHealthAgentBinding: INapSystemHealthAgentBinding(2), one object per SHA
 * binding, a thin adapter over a core binding. */
#include "agent.h"
#include "resource_usage.h"
#include "napagent.h"
#include "client_handle.h"
#include "isolation_info.h"
#include "binding_answer.h"
#include "binding_owner.h"
#include <napsystemhealthagent.h>

struct sha_binding
{
    INapSystemHealthAgentBinding2 INapSystemHealthAgentBinding2_iface;
    LONG ref;
    struct agent_binding *core;
    struct binding_owner id_owner;   /* who may make the calls after Initialize */
};

static inline struct sha_binding *impl_from_INapSystemHealthAgentBinding2(INapSystemHealthAgentBinding2 *iface)
{
    return CONTAINING_RECORD(iface, struct sha_binding, INapSystemHealthAgentBinding2_iface);
}

static HRESULT WINAPI sha_binding_QueryInterface(INapSystemHealthAgentBinding2 *iface, REFIID riid, void **out)
{
    if (!out)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_INapSystemHealthAgentBinding)
        || IsEqualIID(riid, &IID_INapSystemHealthAgentBinding2))
    {
        *out = iface;
        INapSystemHealthAgentBinding2_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI sha_binding_AddRef(INapSystemHealthAgentBinding2 *iface)
{
    return InterlockedIncrement(&impl_from_INapSystemHealthAgentBinding2(iface)->ref);
}

static ULONG WINAPI sha_binding_Release(INapSystemHealthAgentBinding2 *iface)
{
    struct sha_binding *binding = impl_from_INapSystemHealthAgentBinding2(iface);
    ULONG ref = InterlockedDecrement(&binding->ref);

    if (!ref)
    {
        if (binding->core && agent_host_core())
            agent_binding_destroy(binding->core);
        resource_usage_object_destroyed(SERVED_SHA_BINDING);
        HeapFree(GetProcessHeap(), 0, binding);
    }
    return ref;
}

static HRESULT WINAPI sha_binding_Initialize(INapSystemHealthAgentBinding2 *iface, SystemHealthEntityId id,
                                             INapSystemHealthAgentCallback *callback)
{
    struct sha_binding *binding = impl_from_INapSystemHealthAgentBinding2(iface);
    struct nap_identity owner;
    HRESULT hr;

    hr = client_handle_bind(binding->core, NAP_COMPONENT_SYSTEM_HEALTH_AGENT, id, (IUnknown *)callback,
                            (IUnknown *)iface, 0, &owner);
    if (hr == S_OK)
        binding_owner_set(&binding->id_owner, id, &owner);
    return binding_answer(hr);
}

/* The calls after Initialize: from the id's owner or a privileged caller only. */
static HRESULT check_caller(INapSystemHealthAgentBinding2 *iface, const WCHAR *what)
{
    return binding_owner_check(&impl_from_INapSystemHealthAgentBinding2(iface)->id_owner,
                               NAP_COMPONENT_SYSTEM_HEALTH_AGENT, what);
}

static HRESULT WINAPI sha_binding_Uninitialize(INapSystemHealthAgentBinding2 *iface)
{
    HRESULT hr = check_caller(iface, L"Uninitialize");

    if (FAILED(hr))
        return hr;
    return binding_answer(agent_binding_uninitialize(impl_from_INapSystemHealthAgentBinding2(iface)->core));
}

/* Returns at once: the agent asks the SHA for its SoH from its worker, then tells every bound EC
 * if the SoH changed. */
static HRESULT WINAPI sha_binding_NotifySoHChange(INapSystemHealthAgentBinding2 *iface)
{
    HRESULT hr = check_caller(iface, L"NotifySoHChange");

    if (FAILED(hr))
        return hr;
    return binding_answer(agent_sha_notify_soh_change(impl_from_INapSystemHealthAgentBinding2(iface)->core));
}

static HRESULT WINAPI sha_binding_GetSystemIsolationInfo(INapSystemHealthAgentBinding2 *iface,
                                                         IsolationInfo **info, BOOL *unknown_connections)
{
    nap_result result;
    HRESULT hr;

    if (!info || !unknown_connections)
        return E_POINTER;
    *info = NULL;
    if (FAILED(hr = check_caller(iface, L"GetSystemIsolationInfo")))
        return hr;
    result = agent_binding_check(impl_from_INapSystemHealthAgentBinding2(iface)->core);
    return binding_answer(nap_failed(result) ? result : isolation_info_get(info, unknown_connections));
}

static HRESULT WINAPI sha_binding_FlushCache(INapSystemHealthAgentBinding2 *iface)
{
    HRESULT hr = check_caller(iface, L"FlushCache");

    if (FAILED(hr))
        return hr;
    return binding_answer(agent_sha_flush_cache(impl_from_INapSystemHealthAgentBinding2(iface)->core));
}

static HRESULT WINAPI sha_binding_GetSystemIsolationInfoEx(INapSystemHealthAgentBinding2 *iface,
                                                           IsolationInfoEx **info, BOOL *unknown_connections)
{
    nap_result result;
    HRESULT hr;

    if (!info || !unknown_connections)
        return E_POINTER;
    *info = NULL;
    if (FAILED(hr = check_caller(iface, L"GetSystemIsolationInfoEx")))
        return hr;
    result = agent_binding_check(impl_from_INapSystemHealthAgentBinding2(iface)->core);
    return binding_answer(nap_failed(result) ? result : isolation_info_ex_get(info, unknown_connections));
}

static const INapSystemHealthAgentBinding2Vtbl sha_binding_vtbl = {
    sha_binding_QueryInterface,
    sha_binding_AddRef,
    sha_binding_Release,
    sha_binding_Initialize,
    sha_binding_Uninitialize,
    sha_binding_NotifySoHChange,
    sha_binding_GetSystemIsolationInfo,
    sha_binding_FlushCache,
    sha_binding_GetSystemIsolationInfoEx,
};

HRESULT sha_binding_create(REFIID riid, void **out)
{
    struct sha_binding *binding;
    struct agent *core = agent_host_core();
    nap_result result;
    HRESULT hr;

    if (!core)
        return NAP_E_SERVICE_NOT_RUNNING;
    binding = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*binding));
    if (!binding)
        return E_OUTOFMEMORY;
    result = agent_binding_create(core, NAP_COMPONENT_SYSTEM_HEALTH_AGENT, &binding->core);
    if (nap_failed(result))
    {
        HeapFree(GetProcessHeap(), 0, binding);
        return result;
    }
    binding->INapSystemHealthAgentBinding2_iface.lpVtbl = &sha_binding_vtbl;
    binding->ref = 1;
    binding_owner_init(&binding->id_owner);
    resource_usage_object_created(SERVED_SHA_BINDING);
    hr = INapSystemHealthAgentBinding2_QueryInterface(&binding->INapSystemHealthAgentBinding2_iface, riid, out);
    INapSystemHealthAgentBinding2_Release(&binding->INapSystemHealthAgentBinding2_iface);
    return hr;
}
