/* napctl set retry NAME=VALUE ...: changes the retry policy at once and for good (the service
 * writes Parameters). Checked here first, against the ranges the service itself reports, so an
 * administrator learns which value is wrong rather than a bare E_INVALIDARG. */
#include "napctl.h"
#include "diagnostics_results.h"
#include "state_text.h"
#include <stdio.h>

/* In the order of the napAgentRetry* bits and of GetConfiguration's answer. */
static const WCHAR *const retry_names[] = {
    L"RetryInitialDelayMs", L"RetryBackoffFactorPermille", L"RetryMaxDelayMs", L"RetryJitterPermille",
    L"RetryWarningAttempts",
};
/* What an administrator types at a prompt. */
static const WCHAR *const retry_aliases[] = {L"initial", L"factor", L"max", L"jitter", L"warning"};
#define RETRY_VALUES ARRAYSIZE(retry_names)

static BOOL same_name(const WCHAR *known, const WCHAR *name, size_t length)
{
    return wcslen(known) == length && !_wcsnicmp(known, name, length);
}

/* The full Parameters name or its alias, in any case. */
static int retry_index(const WCHAR *name, size_t length)
{
    for (size_t i = 0; i < RETRY_VALUES; i++)
        if (same_name(retry_names[i], name, length) || same_name(retry_aliases[i], name, length))
            return (int)i;
    return -1;
}

static UINT32 *policy_field(NapAgentRetryPolicy *policy, int index)
{
    UINT32 *fields[RETRY_VALUES] = {&policy->initialDelayMs, &policy->backoffFactorPermille, &policy->maxDelayMs,
                                    &policy->jitterPermille, &policy->warningAttempts};
    return fields[index];
}

static int usage_error(void)
{
    fwprintf(stderr, L"napctl: usage: napctl set retry NAME=VALUE ...\n"
                     L"  NAME: RetryInitialDelayMs, RetryBackoffFactorPermille, RetryMaxDelayMs, RetryJitterPermille,\n"
                     L"        RetryWarningAttempts, or initial, factor, max, jitter, warning;\n"
                     L"  VALUE a whole number (factor and jitter in thousandths: factor=1500 is x1.5)\n");
    return NAPCTL_USAGE;
}

/* The words as assignments: which fields and their values; exit 2 with the reason if bad. */
static int parse_assignments(int argc, WCHAR **argv, UINT32 *fields, UINT32 values[RETRY_VALUES])
{
    *fields = 0;
    if (argc < 1)
    {
        fwprintf(stderr, L"napctl: set retry needs at least one NAME=VALUE\n");
        return usage_error();
    }
    for (int i = 0; i < argc; i++)
    {
        const WCHAR *equals = wcschr(argv[i], '=');
        int index = equals ? retry_index(argv[i], equals - argv[i]) : -1;

        if (!equals)
        {
            fwprintf(stderr, L"napctl: '%ls' is not NAME=VALUE\n", argv[i]);
            return usage_error();
        }
        if (index < 0)
        {
            fwprintf(stderr, L"napctl: unknown retry setting '%.*ls'\n", (int)(equals - argv[i]), argv[i]);
            return usage_error();
        }
        if (*fields & (1u << index))
        {
            fwprintf(stderr, L"napctl: %ls is given twice\n", retry_names[index]);
            return NAPCTL_USAGE;
        }
        if (!parse_uint32(equals + 1, &values[index]))
        {
            fwprintf(stderr, L"napctl: %ls must be a whole number from 0 to 4294967295, got '%ls'\n",
                     retry_names[index], equals + 1);
            return NAPCTL_USAGE;
        }
        *fields |= 1u << index;
    }
    return NAPCTL_OK;
}

static const NapAgentParameter *find_parameter(const NapAgentParameter *parameters, UINT32 count, int index)
{
    for (UINT32 i = 0; i < count; i++)
        if (parameters[i].name.length == wcslen(retry_names[index])
            && !wcsncmp(parameters[i].name.string, retry_names[index], parameters[i].name.length))
            return &parameters[i];
    return NULL;
}

/* The policy the service would end up with, checked value by value and as a whole. */
static int merge_and_check(const NapAgentParameter *parameters, UINT32 count, UINT32 fields,
                           const UINT32 values[RETRY_VALUES], NapAgentRetryPolicy *merged)
{
    for (int i = 0; i < (int)RETRY_VALUES; i++)
    {
        const NapAgentParameter *p = find_parameter(parameters, count, i);

        if (!p)
        {
            fwprintf(stderr, L"napctl: the service does not know %ls (an older napagent?)\n", retry_names[i]);
            return NAPCTL_FAILED;
        }
        *policy_field(merged, i) = (fields & (1u << i)) ? values[i] : p->effectiveValue;
        if ((fields & (1u << i)) && (values[i] < p->minimum || values[i] > p->maximum))
        {
            fwprintf(stderr, L"napctl: %ls=%u is out of range: %u to %u\n", retry_names[i], values[i], p->minimum,
                     p->maximum);
            return NAPCTL_USAGE;
        }
    }
    if (merged->initialDelayMs > merged->maxDelayMs)
    {
        fwprintf(stderr, L"napctl: RetryInitialDelayMs (%u) must not be more than RetryMaxDelayMs (%u)\n",
                 merged->initialDelayMs, merged->maxDelayMs);
        return NAPCTL_USAGE;
    }
    return NAPCTL_OK;
}

int command_set_retry(int argc, WCHAR **argv)
{
    INapAgentDiagnostics *diagnostics;
    NapAgentParameter *parameters = NULL;
    NapAgentRetryPolicy merged;
    UINT32 fields, values[RETRY_VALUES] = {0}, count = 0;
    HRESULT hr;
    int result = parse_assignments(argc, argv, &fields, values);

    if (result || (result = connect_diagnostics(&diagnostics)))
        return result;
    if (!(result = get_configuration(diagnostics, &parameters, &count)))
        result = merge_and_check(parameters, count, fields, values, &merged);
    free_parameters(parameters, count);
    if (result)
    {
        INapAgentDiagnostics_Release(diagnostics);
        return result;
    }
    hr = INapAgentDiagnostics_SetRetryPolicy(diagnostics, fields, &merged);
    INapAgentDiagnostics_Release(diagnostics);
    if (hr == E_INVALIDARG)
    {
        fwprintf(stderr, L"napctl: the service refused the retry policy as invalid (E_INVALIDARG)\n");
        return NAPCTL_USAGE;
    }
    if (FAILED(hr))
    {
        fwprintf(stderr, L"napctl: could not set the retry policy: %#lx\n", hr);
        return NAPCTL_FAILED;
    }
    wprintf(L"retry policy set:");
    for (int i = 0; i < (int)RETRY_VALUES; i++)
        if (fields & (1u << i))
            wprintf(L" %ls=%u", retry_names[i], *policy_field(&merged, i));
    wprintf(L"\nin effect for retries scheduled from now on, and written to Parameters\n");
    return NAPCTL_OK;
}
