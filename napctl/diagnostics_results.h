/* Frees what INapAgentDiagnostics::GetState and GetConfiguration hand out (CoTaskMemAlloc'd
 * blocks and strings, as COM marshaling allocates them). Header-only: napctl and the Wine tests
 * are both callers of the interface. */
#ifndef NAPCTL_DIAGNOSTICS_RESULTS_H
#define NAPCTL_DIAGNOSTICS_RESULTS_H

#include <windows.h>
#include <napagentdiag.h>

static inline void free_state(NapAgentState *state)
{
    if (!state)
        return;
    CoTaskMemFree(state->clientName.string);
    CoTaskMemFree(state->version.string);
    CoTaskMemFree(state->failureUrl.string);
    for (UINT32 i = 0; state->components && i < state->componentCount; i++)
        CoTaskMemFree(state->components[i].friendlyName.string);
    CoTaskMemFree(state->components);
    CoTaskMemFree(state);
}

static inline void free_parameters(NapAgentParameter *parameters, UINT32 count)
{
    for (UINT32 i = 0; parameters && i < count; i++)
    {
        CoTaskMemFree(parameters[i].name.string);
        CoTaskMemFree(parameters[i].problem.string);
        CoTaskMemFree(parameters[i].configuredText.string);
        CoTaskMemFree(parameters[i].effectiveText.string);
    }
    CoTaskMemFree(parameters);
}

#endif
