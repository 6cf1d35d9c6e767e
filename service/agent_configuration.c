/* INapAgentDiagnostics::GetConfiguration's answer: every Parameters value as the registry holds
 * it now (parameters.c) beside what the running service uses, as marshalable NapAgentParameter
 * entries, every string CoTaskMemAlloc'd. */
#include "parameters.h" /* first: agent.h's libuv wants winsock2.h before windows.h */
#include "napagent.h"
#include "agent_configuration.h"
#include "counted_string.h"
#include "event_log.h"

_Static_assert((int)PARAMETER_ABSENT == (int)napAgentParameterAbsent
                   && (int)PARAMETER_CONFIGURED == (int)napAgentParameterConfigured
                   && (int)PARAMETER_INVALID == (int)napAgentParameterInvalid,
               "parameters.c's states are the IDL's");

void agent_configuration_free(NapAgentParameter *parameters, UINT32 count)
{
    for (UINT32 i = 0; i < count; i++)
    {
        counted_clear(&parameters[i].name);
        counted_clear(&parameters[i].problem);
        counted_clear(&parameters[i].configuredText);
        counted_clear(&parameters[i].effectiveText);
    }
    CoTaskMemFree(parameters);
}

static HRESULT set_text(CountedString *to, const WCHAR *text)
{
    return counted_set(to, text, wcslen(text));
}

/* The numbers and texts of every entry are set; the strings of a text entry's numbers and a
 * number entry's texts are empty, never NULL (clients print them). */
static HRESULT fill_retry_value(NapAgentParameter *p, int id, const struct parameter_reading *r,
                                const struct retry_policy *in_effect)
{
    const struct parameter_info *info = &parameter_table[id];
    struct retry_policy policy = *in_effect;
    HRESULT hr;

    p->state = (NapAgentParameterState)r->state;
    p->registryType = r->type;
    p->configuredValue = r->value;
    p->effectiveValue = *parameter_field(&policy, id);
    p->defaultValue = info->default_value;
    p->minimum = info->minimum;
    p->maximum = info->maximum;
    if (FAILED(hr = set_text(&p->name, info->name)) || FAILED(hr = set_text(&p->problem, r->problem))
        || FAILED(hr = set_text(&p->configuredText, L"")))
        return hr;
    return set_text(&p->effectiveText, L"");
}

static HRESULT fill_record_file(NapAgentParameter *p)
{
    struct record_file_reading r;
    HRESULT hr;

    parameters_read_record_file(&r);
    p->state = (NapAgentParameterState)r.state;
    p->registryType = r.type;
    p->isText = TRUE;
    if (FAILED(hr = set_text(&p->name, PARAMETER_EVENT_RECORD_FILE)) || FAILED(hr = set_text(&p->problem, r.problem))
        || FAILED(hr = set_text(&p->configuredText, r.path)))
        return hr;
    return set_text(&p->effectiveText, event_log_record_path());
}

/* The registry as it is now beside what is in effect: they differ after an edit that waits for
 * the next start, and for invalid values. */
HRESULT agent_configuration_get(struct agent *core, UINT32 *count, NapAgentParameter **parameters)
{
    struct parameter_reading readings[PARAMETER_COUNT];
    const UINT32 total = PARAMETER_COUNT + 1;
    struct agent_snapshot snapshot;
    NapAgentParameter *out;
    nap_result result;
    HRESULT hr = S_OK;

    *count = 0;
    *parameters = NULL;
    result = agent_snapshot(core, &snapshot);
    if (nap_failed(result))
        return result;
    parameters_read(readings, NULL);
    if (!(out = CoTaskMemAlloc(total * sizeof(*out))))
    {
        agent_snapshot_free(&snapshot);
        return E_OUTOFMEMORY;
    }
    memset(out, 0, total * sizeof(*out));
    for (int id = 0; id < PARAMETER_COUNT && SUCCEEDED(hr); id++)
        hr = fill_retry_value(&out[id], id, &readings[id], &snapshot.retry);
    if (SUCCEEDED(hr))
        hr = fill_record_file(&out[PARAMETER_COUNT]);
    agent_snapshot_free(&snapshot);
    if (FAILED(hr))
    {
        agent_configuration_free(out, total);
        return hr;
    }
    *count = total;
    *parameters = out;
    return S_OK;
}

