/* napctl show state [--json]: what "netsh nap client show state" showed, from the service's
 * consistent snapshot (INapAgentDiagnostics::GetState). */
#include "napctl.h"
#include "json_writer.h"
#include "state_text.h"
#include "diagnostics_results.h"
#include <stdio.h>

static void print_retry_policy_text(const NapAgentRetryPolicy *p)
{
    wprintf(L"Retry policy           = first delay %u ms, factor x%u.%03u, cap %u ms, jitter %u.%u %%,\n"
            L"                         warning after %u notifications\n",
            p->initialDelayMs, p->backoffFactorPermille / 1000, p->backoffFactorPermille % 1000, p->maxDelayMs,
            p->jitterPermille / 10, p->jitterPermille % 10, p->warningAttempts);
}

static void print_component_text(const NapAgentComponentState *c)
{
    BOOL ec = c->kind == napAgentEnforcementClient;
    WCHAR name[256];

    counted_text(&c->friendlyName, name, ARRAYSIZE(name));
    wprintf(L"Id                     = %u (0x%08x)\n", c->id, c->id);
    wprintf(L"Name                   = %ls\n", name);
    if (ec)
        wprintf(L"Admin                  = %ls\n", c->enabled ? L"enabled" : L"disabled");
    wprintf(L"Bound                  = %ls\n", c->bound ? L"yes" : L"no");
    if (ec && c->bound)
    {
        wprintf(L"Connections            = %u\n", c->connections);
        wprintf(L"Health change          = %hs%ls\n", soh_state_name(c->sohState),
                c->notificationInFlight ? L" (NotifySoHChange running)" : L"");
        wprintf(L"Attempts               = %u\n", c->attempts);
        wprintf(L"Merged changes         = %u\n", c->mergedChanges);
        if (c->nextRetryMs >= 0)
            wprintf(L"Next retry in          = %lld ms\n", c->nextRetryMs);
        else
            wprintf(L"Next retry in          = none scheduled\n");
    }
    wprintf(L"\n");
}

static void print_components_text(const NapAgentState *state, NapAgentComponentKind kind, const WCHAR *title)
{
    BOOL any = FALSE;

    wprintf(L"%ls:\n----------------------------------------------------\n", title);
    for (UINT32 i = 0; i < state->componentCount; i++)
        if (state->components[i].kind == kind)
        {
            print_component_text(&state->components[i]);
            any = TRUE;
        }
    if (!any)
        wprintf(L"(none registered)\n\n");
}

static void print_text(const NapAgentState *state)
{
    WCHAR text[256], url[1100];

    wprintf(L"NAP client state:\n----------------------------------------------------\n");
    counted_text(&state->clientName, text, ARRAYSIZE(text));
    wprintf(L"Name                   = %ls\n", text);
    counted_text(&state->version, text, ARRAYSIZE(text));
    wprintf(L"Version                = %ls\n", text);
    wprintf(L"Isolation state        = %hs\n", isolation_state_name(state->isolationState));
    filetime_text(&state->probEndTime, text, ARRAYSIZE(text));
    wprintf(L"Probation end          = %ls\n", text[0] ? text : L"none");
    counted_text(&state->failureUrl, url, ARRAYSIZE(url));
    wprintf(L"Failure URL            = %ls\n", url[0] ? url : L"none");
    wprintf(L"Unknown connections    = %ls\n", state->unknownConnections ? L"yes" : L"no");
    wprintf(L"Outgoing calls         = %llu queued or running\n", state->outgoingCallsOutstanding);
    print_retry_policy_text(&state->retryPolicy);
    wprintf(L"\n");
    print_components_text(state, napAgentEnforcementClient, L"Enforcement clients");
    print_components_text(state, napAgentSystemHealthAgent, L"System health agents");
}

static void json_component(struct json_writer *json, const NapAgentComponentState *c)
{
    /* Stable keys: a field that does not apply (an unbound EC's retry) is null, never missing. */
    BOOL live = c->bound;
    char hex[16];

    sprintf(hex, "0x%08x", c->id);
    json_begin_object(json, NULL);
    json_uint(json, "id", c->id);
    json_ascii(json, "idHex", hex);
    json_string(json, "friendlyName", c->friendlyName.string, c->friendlyName.length);
    json_bool(json, "enabled", c->enabled);
    json_bool(json, "bound", c->bound);
    if (c->kind == napAgentEnforcementClient)
    {
        if (live)
        {
            json_uint(json, "connections", c->connections);
            json_ascii(json, "sohState", soh_state_name(c->sohState));
            json_uint(json, "attempts", c->attempts);
            json_uint(json, "mergedChanges", c->mergedChanges);
            json_bool(json, "notificationInFlight", c->notificationInFlight);
        }
        else
        {
            json_null(json, "connections");
            json_null(json, "sohState");
            json_null(json, "attempts");
            json_null(json, "mergedChanges");
            json_null(json, "notificationInFlight");
        }
        if (live && c->nextRetryMs >= 0)
            json_int(json, "nextRetryMs", c->nextRetryMs);
        else
            json_null(json, "nextRetryMs");
    }
    json_end_object(json);
}

static void json_components(struct json_writer *json, const NapAgentState *state, NapAgentComponentKind kind,
                            const char *key)
{
    json_begin_array(json, key);
    for (UINT32 i = 0; i < state->componentCount; i++)
        if (state->components[i].kind == kind)
            json_component(json, &state->components[i]);
    json_end_array(json);
}

static void json_retry_policy(struct json_writer *json, const NapAgentRetryPolicy *p)
{
    json_begin_object(json, "retryPolicy");
    json_uint(json, "initialDelayMs", p->initialDelayMs);
    json_uint(json, "backoffFactorPermille", p->backoffFactorPermille);
    json_uint(json, "maxDelayMs", p->maxDelayMs);
    json_uint(json, "jitterPermille", p->jitterPermille);
    json_uint(json, "warningAttempts", p->warningAttempts);
    json_end_object(json);
}

static void print_json(const NapAgentState *state)
{
    struct json_writer json;
    WCHAR when[64];

    json_init(&json, stdout);
    json_begin_object(&json, NULL);
    json_begin_object(&json, "client");
    json_string(&json, "name", state->clientName.string, state->clientName.length);
    json_string(&json, "version", state->version.string, state->version.length);
    json_end_object(&json);
    json_begin_object(&json, "isolation");
    json_ascii(&json, "state", isolation_state_name(state->isolationState));
    filetime_text(&state->probEndTime, when, ARRAYSIZE(when));
    if (when[0])
        json_text(&json, "probationEnd", when);
    else
        json_null(&json, "probationEnd");
    json_string(&json, "failureUrl", state->failureUrl.string, state->failureUrl.length);
    json_bool(&json, "unknownConnections", state->unknownConnections);
    json_end_object(&json);
    json_retry_policy(&json, &state->retryPolicy);
    json_uint(&json, "outgoingCallsOutstanding", state->outgoingCallsOutstanding);
    json_components(&json, state, napAgentEnforcementClient, "enforcementClients");
    json_components(&json, state, napAgentSystemHealthAgent, "systemHealthAgents");
    json_end_object(&json);
    json_finish(&json);
}

int command_show_state(BOOL json)
{
    INapAgentDiagnostics *diagnostics;
    NapAgentState *state = NULL;
    HRESULT hr;
    int result = connect_diagnostics(&diagnostics);

    if (result)
        return result;
    hr = INapAgentDiagnostics_GetState(diagnostics, &state);
    INapAgentDiagnostics_Release(diagnostics);
    if (FAILED(hr) || !state)
    {
        fwprintf(stderr, L"napctl: could not read the agent's state: %#lx\n", hr);
        return NAPCTL_FAILED;
    }
    if (json)
        print_json(state);
    else
        print_text(state);
    free_state(state);
    return NAPCTL_OK;
}
