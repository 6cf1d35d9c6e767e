/* INapAgentDiagnostics' state and configuration methods with bad arguments: each gets its
 * documented answer, nothing changes, and the service keeps serving.
 * NULL pointers never reach the service: every pointer parameter is a top-level [ref] pointer,
 * and the proxy (qagent.dll's, stubless -Oicf) fails the call with RPC_X_NULL_REF_POINTER
 * (t_client_management.c measured the same for the NAP interfaces). */
#include <windows.h>
#include <stdio.h>
#include <napagentclasses.h>
#include <napagentdiag.h>
#include "../tap.h"
#include "wine_test.h"
#include "../../napctl/diagnostics_results.h"

#define NULL_REF_POINTER HRESULT_FROM_WIN32(RPC_X_NULL_REF_POINTER) /* 0x800706F4 */
#define PARAMETERS_KEY L"SYSTEM\\CurrentControlSet\\Services\\napagent\\Parameters"

static INapAgentDiagnostics *diagnostics;

/* The policy in effect, through GetState; FALSE if it could not be read. */
static BOOL policy_in_effect(NapAgentRetryPolicy *policy)
{
    NapAgentState *state = NULL;
    HRESULT hr = INapAgentDiagnostics_GetState(diagnostics, &state);

    if (FAILED(hr) || !state)
        return FALSE;
    *policy = state->retryPolicy;
    free_state(state);
    return TRUE;
}

static BOOL parameter_written(const WCHAR *name)
{
    DWORD value, size = sizeof(value);

    return !RegGetValueW(HKEY_LOCAL_MACHINE, PARAMETERS_KEY, name, RRF_RT_ANY, NULL, &value, &size);
}

static void test_null_pointers(void)
{
    NapAgentParameter *parameters = NULL;
    UINT32 count = 0;
    HRESULT hr;

    hr = INapAgentDiagnostics_GetState(diagnostics, NULL);
    ok(hr == NULL_REF_POINTER, "GetState(NULL): expected %#lx, got %#lx", NULL_REF_POINTER, hr);
    hr = INapAgentDiagnostics_GetConfiguration(diagnostics, NULL, &parameters);
    ok(hr == NULL_REF_POINTER, "GetConfiguration(NULL count): expected %#lx, got %#lx", NULL_REF_POINTER, hr);
    free_parameters(parameters, count);
    parameters = NULL;
    hr = INapAgentDiagnostics_GetConfiguration(diagnostics, &count, NULL);
    ok(hr == NULL_REF_POINTER, "GetConfiguration(NULL array): expected %#lx, got %#lx", NULL_REF_POINTER, hr);
    hr = INapAgentDiagnostics_SetRetryPolicy(diagnostics, napAgentRetryAll, NULL);
    ok(hr == NULL_REF_POINTER, "SetRetryPolicy(all, NULL): expected %#lx, got %#lx", NULL_REF_POINTER, hr);
    hr = INapAgentDiagnostics_GetResourceUsage(diagnostics, NULL);
    ok(hr == NULL_REF_POINTER, "GetResourceUsage(NULL): expected %#lx, got %#lx", NULL_REF_POINTER, hr);
}

/* The service measures itself: numbers a running service must have, and handles that follow
 * what it holds (a binding held open by a client keeps at least its stub's objects). */
static void test_resource_usage(void)
{
    NapAgentResourceUsage usage;
    HRESULT hr;

    memset(&usage, 0, sizeof(usage));
    hr = INapAgentDiagnostics_GetResourceUsage(diagnostics, &usage);
    ok(hr == S_OK && usage.commitBytes > 1024 * 1024 && usage.workingSetBytes > 1024 * 1024 && usage.handles > 10
       && usage.threads >= 3, "GetResourceUsage: %#lx, %I64u committed, %I64u working set, %u handles, %u threads",
       hr, usage.commitBytes, usage.workingSetBytes, usage.handles, usage.threads);
}

static void test_bad_policies(void)
{
    static const struct
    {
        const char *what;
        UINT32 fields;
        NapAgentRetryPolicy policy; /* initial, factor, max, jitter, warning */
    } bad[] = {
        {"no fields", 0, {3000, 2000, 60000, 100, 5}},
        {"an unknown field bit", 0x20, {3000, 2000, 60000, 100, 5}},
        {"every bit", 0xffffffffu, {3000, 2000, 60000, 100, 5}},
        {"initial delay 0", napAgentRetryInitialDelay, {0, 0, 0, 0, 0}},
        {"initial delay beyond the cap in effect", napAgentRetryInitialDelay, {120001, 0, 0, 0, 0}},
        {"factor 999 (below x1)", napAgentRetryBackoffFactor, {0, 999, 0, 0, 0}},
        {"factor 10001", napAgentRetryBackoffFactor, {0, 10001, 0, 0, 0}},
        {"max delay 0", napAgentRetryMaxDelay, {0, 0, 0, 0, 0}},
        {"max delay beyond 24 h", napAgentRetryMaxDelay, {0, 0, 86400001, 0, 0}},
        {"max delay below the initial delay in effect", napAgentRetryMaxDelay, {0, 0, 1999, 0, 0}},
        {"jitter 1001", napAgentRetryJitter, {0, 0, 0, 1001, 0}},
        {"warning after 0 attempts", napAgentRetryWarningAttempts, {0, 0, 0, 0, 0}},
        {"max below initial, both given", napAgentRetryInitialDelay | napAgentRetryMaxDelay, {5000, 0, 4000, 0, 0}},
        {"all fields, one bad", napAgentRetryAll, {3000, 2000, 60000, 100, 0}},
    };
    NapAgentRetryPolicy before = {0}, after = {0};
    HRESULT hr;

    ok(policy_in_effect(&before), "the policy in effect can be read");
    for (size_t i = 0; i < ARRAYSIZE(bad); i++)
    {
        hr = INapAgentDiagnostics_SetRetryPolicy(diagnostics, bad[i].fields, &bad[i].policy);
        ok(hr == E_INVALIDARG, "SetRetryPolicy with %s: expected E_INVALIDARG, got %#lx", bad[i].what, hr);
    }
    ok(policy_in_effect(&after) && !memcmp(&before, &after, sizeof(before)),
       "the policy in effect did not change (first delay %u -> %u, cap %u -> %u)", before.initialDelayMs,
       after.initialDelayMs, before.maxDelayMs, after.maxDelayMs);
    ok(!parameter_written(L"RetryInitialDelayMs") && !parameter_written(L"RetryMaxDelayMs")
           && !parameter_written(L"RetryWarningAttempts"),
       "nothing was written to Parameters");
}

/* Only the named field changes; the others keep the values in effect. */
static void test_partial_update(void)
{
    NapAgentRetryPolicy before = {0}, after = {0}, policy = {0, 0, 0, 150, 0};
    HRESULT hr;

    ok(policy_in_effect(&before), "the policy in effect can be read");
    hr = INapAgentDiagnostics_SetRetryPolicy(diagnostics, napAgentRetryJitter, &policy);
    ok(hr == S_OK, "SetRetryPolicy(jitter 150): expected S_OK, got %#lx", hr);
    ok(policy_in_effect(&after) && after.jitterPermille == 150 && after.initialDelayMs == before.initialDelayMs
           && after.backoffFactorPermille == before.backoffFactorPermille && after.maxDelayMs == before.maxDelayMs
           && after.warningAttempts == before.warningAttempts,
       "jitter now %u, the other fields unchanged", after.jitterPermille);
    ok(parameter_written(L"RetryJitterPermille") && !parameter_written(L"RetryInitialDelayMs"),
       "only RetryJitterPermille was written to Parameters");
    policy.jitterPermille = before.jitterPermille;
    hr = INapAgentDiagnostics_SetRetryPolicy(diagnostics, napAgentRetryJitter, &policy);
    ok(hr == S_OK, "jitter restored: got %#lx", hr);
    RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, PARAMETERS_KEY, L"RetryJitterPermille");
}

static void test_configuration_shape(void)
{
    static const WCHAR *const names[] = {L"RetryInitialDelayMs", L"RetryBackoffFactorPermille", L"RetryMaxDelayMs",
                                         L"RetryJitterPermille", L"RetryWarningAttempts", L"EventRecordFile"};
    NapAgentParameter *parameters = NULL;
    UINT32 count = 0;
    HRESULT hr = INapAgentDiagnostics_GetConfiguration(diagnostics, &count, &parameters);

    ok(hr == S_OK && count == ARRAYSIZE(names), "GetConfiguration: expected S_OK and 6 values, got %#lx, %u", hr,
       count);
    for (UINT32 i = 0; hr == S_OK && i < count && i < ARRAYSIZE(names); i++)
        ok(parameters[i].name.string && !wcscmp(parameters[i].name.string, names[i])
               && parameters[i].isText == (i == 5) && parameters[i].configuredText.string
               && parameters[i].effectiveText.string && parameters[i].problem.string
               && parameters[i].name.length == wcslen(names[i]) && parameters[i].minimum <= parameters[i].defaultValue
               && parameters[i].defaultValue <= parameters[i].maximum,
           "value %u is %ls with its default %u in %u..%u", i, parameters[i].name.string, parameters[i].defaultValue,
           parameters[i].minimum, parameters[i].maximum);
    free_parameters(parameters, count);
}

int main(void)
{
    HRESULT hr;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    hr = CoCreateInstance(&CLSID_NapAgentDiagnostics, NULL, CLSCTX_LOCAL_SERVER, &IID_INapAgentDiagnostics,
                          (void **)&diagnostics);
    ok(hr == S_OK, "NapAgentDiagnostics activates: got %#lx", hr);
    if (FAILED(hr))
        tap_bail("no NapAgentDiagnostics object");
    /* What an earlier, failed run may have left. */
    RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, PARAMETERS_KEY, L"RetryJitterPermille");

    test_null_pointers();
    test_bad_policies();
    test_partial_update();
    test_configuration_shape();
    test_resource_usage();

    hr = INapAgentDiagnostics_Ping(diagnostics);
    ok(hr == S_OK, "the service still answers: Ping got %#lx", hr);
    ok(service_state() == SERVICE_RUNNING, "the service is still running (state %lu)", service_state());
    INapAgentDiagnostics_Release(diagnostics);
    CoUninitialize();
    return tap_done();
}
