/* INapAgentDiagnostics::GetState's answer: the core's snapshot, the registrations' friendly
 * names and the system isolation state, converted to the marshalable NapAgentState. Everything
 * is CoTaskMemAlloc'd, as the proxy/stub frees it on the service's side. */
#include "agent.h" /* first: libuv wants winsock2.h before windows.h */
#include "napagent.h"
#include "agent_state.h"
#include "counted_string.h"
#include "isolation_info.h"

_Static_assert((int)AGENT_SOH_IDLE == (int)napAgentSoHIdle && (int)AGENT_SOH_NOTIFYING == (int)napAgentSoHNotifying
                   && (int)AGENT_SOH_RETRY_SCHEDULED == (int)napAgentSoHRetryScheduled
                   && (int)AGENT_SOH_APPLIED == (int)napAgentSoHApplied,
               "the core's SoH states are the IDL's");
_Static_assert((int)NAP_COMPONENT_ENFORCEMENT_CLIENT == (int)napAgentEnforcementClient
                   && (int)NAP_COMPONENT_SYSTEM_HEALTH_AGENT == (int)napAgentSystemHealthAgent,
               "the core's component kinds are the IDL's");

void agent_state_free(NapAgentState *state)
{
    if (!state)
        return;
    counted_clear(&state->clientName);
    counted_clear(&state->version);
    counted_clear(&state->failureUrl);
    if (state->components)
        for (UINT32 i = 0; i < state->componentCount; i++)
            counted_clear(&state->components[i].friendlyName);
    CoTaskMemFree(state->components);
    CoTaskMemFree(state);
}

void agent_retry_policy_to_idl(const struct retry_policy *from, NapAgentRetryPolicy *to)
{
    to->initialDelayMs = from->first_delay_ms;
    to->backoffFactorPermille = from->factor_permille;
    to->maxDelayMs = from->max_delay_ms;
    to->jitterPermille = from->jitter_permille;
    to->warningAttempts = from->exhausted_after;
}

static const struct agent_snapshot_binding *binding_of(const struct agent_snapshot *snapshot,
                                                       const struct nap_registration *r)
{
    for (size_t i = 0; i < snapshot->binding_count; i++)
        if (snapshot->bindings[i].kind == r->kind && snapshot->bindings[i].id == r->id)
            return &snapshot->bindings[i];
    return NULL;
}

static HRESULT add_components(const struct agent_snapshot *snapshot, NapAgentState *state)
{
    if (!snapshot->registration_count)
        return S_OK;
    state->components = CoTaskMemAlloc(snapshot->registration_count * sizeof(*state->components));
    if (!state->components)
        return E_OUTOFMEMORY;
    memset(state->components, 0, snapshot->registration_count * sizeof(*state->components));
    for (size_t i = 0; i < snapshot->registration_count; i++)
    {
        const struct nap_registration *r = &snapshot->registrations[i];
        const struct agent_snapshot_binding *b = binding_of(snapshot, r);
        NapAgentComponentState *c = &state->components[i];

        c->kind = (NapAgentComponentKind)r->kind;
        c->id = r->id;
        c->enabled = r->enabled ? TRUE : FALSE;
        c->nextRetryMs = -1;
        ++state->componentCount;
        if (FAILED(counted_set(&c->friendlyName, (const WCHAR *)r->friendly_name.chars, r->friendly_name.length)))
            return E_OUTOFMEMORY;
        if (!b)
            continue;
        c->bound = TRUE;
        c->sohState = (NapAgentSoHState)b->soh_state;
        c->attempts = b->attempts;
        c->mergedChanges = b->merged_changes;
        c->notificationInFlight = b->notification_in_flight ? TRUE : FALSE;
        c->nextRetryMs = b->next_retry_ms;
        c->connections = b->connections;
    }
    return S_OK;
}

static HRESULT add_isolation(NapAgentState *state)
{
    IsolationInfo *info = NULL;
    BOOL unknown = FALSE;
    HRESULT hr = isolation_info_get(&info, &unknown);

    if (FAILED(hr))
        return hr;
    state->isolationState = info->isolationState;
    state->probEndTime = info->probEndTime;
    /* The URL moves over as it is: the struct takes over its allocation. */
    state->failureUrl = info->failureUrl;
    state->unknownConnections = unknown;
    CoTaskMemFree(info);
    return S_OK;
}

HRESULT agent_state_get(struct agent *core, NapAgentState **out)
{
    struct agent_snapshot snapshot;
    NapAgentState *state;
    nap_result result;
    HRESULT hr;

    *out = NULL;
    if (!(state = CoTaskMemAlloc(sizeof(*state))))
        return E_OUTOFMEMORY;
    memset(state, 0, sizeof(*state));
    result = agent_snapshot(core, &snapshot);
    if (nap_failed(result))
    {
        CoTaskMemFree(state);
        return result;
    }
    agent_retry_policy_to_idl(&snapshot.retry, &state->retryPolicy);
    state->outgoingCallsOutstanding = snapshot.outgoing_calls_outstanding;
    hr = counted_set(&state->clientName, NAPAGENT_DISPLAY_NAME, wcslen(NAPAGENT_DISPLAY_NAME));
    if (SUCCEEDED(hr))
        hr = counted_set(&state->version, NAPAGENT_VERSION_W, wcslen(NAPAGENT_VERSION_W));
    if (SUCCEEDED(hr))
        hr = add_components(&snapshot, state);
    if (SUCCEEDED(hr))
        hr = add_isolation(state);
    agent_snapshot_free(&snapshot);
    if (FAILED(hr))
    {
        agent_state_free(state);
        return hr;
    }
    *out = state;
    return S_OK;
}
