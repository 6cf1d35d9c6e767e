/* INapAgentDiagnostics: napagent's private administration object (napctl, tests, benchmarks). */
#include "core/agent.h" /* first: libuv wants winsock2.h before windows.h */
#include "napagent.h"
#include <napagentdiag.h>

/* The core's results are returned as they are. */
_Static_assert(NAP_RESULT_ID_NOT_FOUND == NAP_E_ID_NOT_FOUND, "NAP_RESULT_ID_NOT_FOUND");
_Static_assert(NAP_RESULT_SERVICE_NOT_RUNNING == NAP_E_SERVICE_NOT_RUNNING, "NAP_RESULT_SERVICE_NOT_RUNNING");

struct agent_diagnostics
{
    INapAgentDiagnostics INapAgentDiagnostics_iface;
    LONG ref;
};

static inline struct agent_diagnostics *impl_from_INapAgentDiagnostics(INapAgentDiagnostics *iface)
{
    return CONTAINING_RECORD(iface, struct agent_diagnostics, INapAgentDiagnostics_iface);
}

static HRESULT WINAPI agent_diagnostics_QueryInterface(INapAgentDiagnostics *iface, REFIID riid, void **out)
{
    if (!out)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_INapAgentDiagnostics))
    {
        *out = iface;
        INapAgentDiagnostics_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI agent_diagnostics_AddRef(INapAgentDiagnostics *iface)
{
    return InterlockedIncrement(&impl_from_INapAgentDiagnostics(iface)->ref);
}

static ULONG WINAPI agent_diagnostics_Release(INapAgentDiagnostics *iface)
{
    struct agent_diagnostics *diagnostics = impl_from_INapAgentDiagnostics(iface);
    ULONG ref = InterlockedDecrement(&diagnostics->ref);

    if (!ref)
        HeapFree(GetProcessHeap(), 0, diagnostics);
    return ref;
}

/* Deliberately empty: the cost of a bare round trip to this server, the benchmarks' baseline. */
static HRESULT WINAPI agent_diagnostics_Ping(INapAgentDiagnostics *iface)
{
    (void)iface;
    return S_OK;
}

/* The administrator's switch (napctl enforcement enable|disable ID); the core saves it with the
 * registration, so it survives restarts. */
static HRESULT WINAPI agent_diagnostics_SetEnforcementClientEnabled(INapAgentDiagnostics *iface, UINT32 id,
                                                                    BOOL enabled)
{
    nap_result result;

    (void)iface;
    result = agent_set_enabled(agent_host_core(), id, enabled ? 1 : 0);
    service_log("enforcement client %u %s: %#x", id, enabled ? "enable" : "disable", (unsigned)result);
    return result;
}

static const INapAgentDiagnosticsVtbl agent_diagnostics_vtbl = {
    agent_diagnostics_QueryInterface,
    agent_diagnostics_AddRef,
    agent_diagnostics_Release,
    agent_diagnostics_Ping,
    agent_diagnostics_SetEnforcementClientEnabled,
};

HRESULT agent_diagnostics_create(REFIID riid, void **out)
{
    struct agent_diagnostics *diagnostics = HeapAlloc(GetProcessHeap(), 0, sizeof(*diagnostics));
    HRESULT hr;

    if (!diagnostics)
        return E_OUTOFMEMORY;
    diagnostics->INapAgentDiagnostics_iface.lpVtbl = &agent_diagnostics_vtbl;
    diagnostics->ref = 1;
    hr = INapAgentDiagnostics_QueryInterface(&diagnostics->INapAgentDiagnostics_iface, riid, out);
    INapAgentDiagnostics_Release(&diagnostics->INapAgentDiagnostics_iface);
    return hr;
}
