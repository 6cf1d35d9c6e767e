/* The machine's isolation state as the COM methods hand it out (GetSystemIsolationInfo(Ex) of the
 * SHA binding and of NapClientManagement), from the core's computation over the connections ECs
 * report (core/connection_table.c). Every [out] is CoTaskMemAlloc'd; the failure URL is always a
 * string (length 0 and "" rather than NULL, which some clients would dereference). */
#include "agent.h" /* first: libuv wants winsock2.h before windows.h */
#include "napagent.h"
#include "isolation_info.h"
#include "counted_string.h"

static HRESULT system_isolation(struct agent_isolation *isolation, BOOL *unknown_connections)
{
    struct agent *core = agent_host_core();
    nap_result result;
    int unknown = 0;

    if (!core)
        return NAP_E_SERVICE_NOT_RUNNING;
    result = agent_system_isolation(core, isolation, &unknown);
    *unknown_connections = unknown != 0;
    return result;
}

/* Fills the fields IsolationInfo and IsolationInfoEx share. */
static HRESULT fill(const struct agent_isolation *isolation, IsolationState *state, ProbationTime *end,
                    CountedString *url)
{
    *state = isolation->state;
    end->dwHighDateTime = (DWORD)(isolation->probation_end >> 32);
    end->dwLowDateTime = (DWORD)isolation->probation_end;
    return counted_from_utf8(url, isolation->url);
}

HRESULT isolation_info_get(IsolationInfo **info, BOOL *unknown_connections)
{
    struct agent_isolation isolation;
    IsolationInfo *out;
    HRESULT hr;

    if (!info || !unknown_connections)
        return E_POINTER;
    *info = NULL;
    if (FAILED(hr = system_isolation(&isolation, unknown_connections)))
        return hr;
    if (!(out = CoTaskMemAlloc(sizeof(*out))))
        return E_OUTOFMEMORY;
    memset(out, 0, sizeof(*out));
    if (FAILED(hr = fill(&isolation, &out->isolationState, &out->probEndTime, &out->failureUrl)))
    {
        CoTaskMemFree(out);
        return hr;
    }
    *info = out;
    return S_OK;
}

HRESULT isolation_info_ex_get(IsolationInfoEx **info, BOOL *unknown_connections)
{
    struct agent_isolation isolation;
    IsolationInfoEx *out;
    HRESULT hr;

    if (!info || !unknown_connections)
        return E_POINTER;
    *info = NULL;
    if (FAILED(hr = system_isolation(&isolation, unknown_connections)))
        return hr;
    if (!(out = CoTaskMemAlloc(sizeof(*out))))
        return E_OUTOFMEMORY;
    memset(out, 0, sizeof(*out));
    out->extendedIsolationState = isolation.extended;
    if (FAILED(hr = fill(&isolation, &out->isolationState, &out->probEndTime, &out->failureUrl)))
    {
        CoTaskMemFree(out);
        return hr;
    }
    *info = out;
    return S_OK;
}
