/* INapAgentDiagnostics: napagent's private administration object (napctl, tests, benchmarks). */
#include "core/agent.h" /* first: libuv wants winsock2.h before windows.h */
#include "napagent.h"
#include "agent_state.h"
#include "agent_configuration.h"
#include "parameters.h"
#include "event_log.h"
#include "events.h"
#include <napagentdiag.h>
#include "resource_usage.h"
#include "caller_access.h"

/* The core's results are returned as they are. */
_Static_assert(NAP_RESULT_ID_NOT_FOUND == NAP_E_ID_NOT_FOUND, "NAP_RESULT_ID_NOT_FOUND");
_Static_assert(NAP_RESULT_SERVICE_NOT_RUNNING == NAP_E_SERVICE_NOT_RUNNING, "NAP_RESULT_SERVICE_NOT_RUNNING");
_Static_assert(napAgentRetryInitialDelay == 1u << PARAMETER_RETRY_INITIAL_DELAY
                   && napAgentRetryBackoffFactor == 1u << PARAMETER_RETRY_BACKOFF_FACTOR
                   && napAgentRetryMaxDelay == 1u << PARAMETER_RETRY_MAX_DELAY
                   && napAgentRetryJitter == 1u << PARAMETER_RETRY_JITTER
                   && napAgentRetryWarningAttempts == 1u << PARAMETER_RETRY_WARNING_ATTEMPTS
                   && napAgentRetryAll == (1u << PARAMETER_COUNT) - 1,
               "SetRetryPolicy's field bits are the parameters' order");

/* Two administrators setting different fields at once must not undo each other's change. */
static SRWLOCK retry_policy_lock = SRWLOCK_INIT;

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
    {
        resource_usage_object_destroyed(SERVED_OTHER);
        HeapFree(GetProcessHeap(), 0, diagnostics);
    }
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
    HRESULT hr = caller_access_require_admin();

    (void)iface;
    if (FAILED(hr))
        return hr;
    result = agent_set_enabled(agent_host_core(), id, enabled ? 1 : 0);
    service_log("enforcement client %u %s: %#x", id, enabled ? "enable" : "disable", (unsigned)result);
    return result;
}

static HRESULT WINAPI agent_diagnostics_GetState(INapAgentDiagnostics *iface, NapAgentState **state)
{
    (void)iface;
    if (!state)
        return E_POINTER;
    return agent_state_get(agent_host_core(), state);
}

/* The registry as it is now beside what is in effect: they differ after an edit that waits for
 * the next start, and for invalid values. */
static HRESULT WINAPI agent_diagnostics_GetConfiguration(INapAgentDiagnostics *iface, UINT32 *count,
                                                         NapAgentParameter **parameters)
{
    (void)iface;
    if (!count || !parameters)
        return E_POINTER;
    return agent_configuration_get(agent_host_core(), count, parameters);
}

static void set_fields(struct retry_policy *to, UINT32 fields, const NapAgentRetryPolicy *from)
{
    const UINT32 values[PARAMETER_COUNT] = {
        [PARAMETER_RETRY_INITIAL_DELAY] = from->initialDelayMs,
        [PARAMETER_RETRY_BACKOFF_FACTOR] = from->backoffFactorPermille,
        [PARAMETER_RETRY_MAX_DELAY] = from->maxDelayMs,
        [PARAMETER_RETRY_JITTER] = from->jitterPermille,
        [PARAMETER_RETRY_WARNING_ATTEMPTS] = from->warningAttempts,
    };

    for (int id = 0; id < PARAMETER_COUNT; id++)
        if (fields & (1u << id))
            *parameter_field(to, id) = values[id];
}

/* An administrator's change, like enabling an EC (event 104), is worth an audit trail. */
static void report_policy_change(const struct retry_policy *policy)
{
    WCHAR values[PARAMETER_COUNT][16];
    const WCHAR *strings[PARAMETER_COUNT];
    struct retry_policy copy = *policy;

    for (int id = 0; id < PARAMETER_COUNT; id++)
    {
        _snwprintf(values[id], ARRAYSIZE(values[id]), L"%u", *parameter_field(&copy, id));
        values[id][ARRAYSIZE(values[id]) - 1] = 0;
        strings[id] = values[id];
    }
    event_log_report(EVENTLOG_INFORMATION_TYPE, NAPAGENT_EVENT_RETRY_POLICY_CHANGED, PARAMETER_COUNT, strings);
}

/* Written before it is applied: a policy that would not survive a restart is not applied. */
static HRESULT WINAPI agent_diagnostics_SetRetryPolicy(INapAgentDiagnostics *iface, UINT32 fields,
                                                       const NapAgentRetryPolicy *policy)
{
    struct agent_snapshot snapshot;
    struct retry_policy merged;
    nap_result result;
    HRESULT hr;

    (void)iface;
    if (!policy)
        return E_POINTER;
    if (!fields || (fields & ~(UINT32)napAgentRetryAll))
        return E_INVALIDARG;
    if (FAILED(hr = caller_access_require_admin()))
        return hr;
    AcquireSRWLockExclusive(&retry_policy_lock);
    result = agent_snapshot(agent_host_core(), &snapshot);
    if (nap_failed(result))
    {
        ReleaseSRWLockExclusive(&retry_policy_lock);
        return result;
    }
    merged = snapshot.retry;
    agent_snapshot_free(&snapshot);
    set_fields(&merged, fields, policy);
    if (!retry_policy_valid(&merged))
        hr = E_INVALIDARG;
    else if (SUCCEEDED(hr = parameters_write_retry(fields, &merged)))
        hr = agent_set_retry_policy(agent_host_core(), &merged);
    ReleaseSRWLockExclusive(&retry_policy_lock);
    if (SUCCEEDED(hr))
        report_policy_change(&merged);
    service_log("retry policy set (fields %#x): first %u ms, factor %u/1000, cap %u ms, jitter %u/1000, "
                "warning after %u: %#lx", fields, merged.first_delay_ms, merged.factor_permille, merged.max_delay_ms,
                merged.jitter_permille, merged.exhausted_after, (unsigned long)hr);
    return hr;
}

/* Administrators only: it walks every heap of the service and copies the system's handle table,
 * work a user must not be able to make the service do at will. */
static HRESULT WINAPI agent_diagnostics_GetResourceUsage(INapAgentDiagnostics *iface, NapAgentResourceUsage *usage)
{
    HRESULT hr = caller_access_require_admin();

    (void)iface;
    return FAILED(hr) ? hr : resource_usage_measure(usage);
}

static const INapAgentDiagnosticsVtbl agent_diagnostics_vtbl = {
    agent_diagnostics_QueryInterface,
    agent_diagnostics_AddRef,
    agent_diagnostics_Release,
    agent_diagnostics_Ping,
    agent_diagnostics_SetEnforcementClientEnabled,
    agent_diagnostics_GetState,
    agent_diagnostics_GetConfiguration,
    agent_diagnostics_SetRetryPolicy,
    agent_diagnostics_GetResourceUsage,
};

HRESULT agent_diagnostics_create(REFIID riid, void **out)
{
    struct agent_diagnostics *diagnostics = HeapAlloc(GetProcessHeap(), 0, sizeof(*diagnostics));
    HRESULT hr;

    if (!diagnostics)
        return E_OUTOFMEMORY;
    diagnostics->INapAgentDiagnostics_iface.lpVtbl = &agent_diagnostics_vtbl;
    diagnostics->ref = 1;
    resource_usage_object_created(SERVED_OTHER);
    hr = INapAgentDiagnostics_QueryInterface(&diagnostics->INapAgentDiagnostics_iface, riid, out);
    INapAgentDiagnostics_Release(&diagnostics->INapAgentDiagnostics_iface);
    return hr;
}
