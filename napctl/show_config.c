/* napctl show config [--json]: every Parameters value as the registry holds it beside the value
 * in effect (INapAgentDiagnostics::GetConfiguration). */
#include "napctl.h"
#include "diagnostics_results.h"
#include "json_writer.h"
#include "state_text.h"
#include <stdio.h>

#define PARAMETERS_KEY_TEXT L"HKLM\\SYSTEM\\CurrentControlSet\\Services\\napagent\\Parameters"

int get_configuration(INapAgentDiagnostics *diagnostics, NapAgentParameter **parameters, UINT32 *count)
{
    HRESULT hr = INapAgentDiagnostics_GetConfiguration(diagnostics, count, parameters);

    if (FAILED(hr))
    {
        fwprintf(stderr, L"napctl: could not read the configuration: %#lx\n", hr);
        return NAPCTL_FAILED;
    }
    return NAPCTL_OK;
}

static void print_text_value(const NapAgentParameter *p, const WCHAR *name)
{
    WCHAR configured[MAX_PATH], effective[MAX_PATH];

    counted_text(&p->configuredText, configured, ARRAYSIZE(configured));
    counted_text(&p->effectiveText, effective, ARRAYSIZE(effective));
    wprintf(L"%-28ls %ls\n", name, p->state == napAgentParameterConfigured ? configured
                                    : p->state == napAgentParameterAbsent ? L"absent" : L"invalid");
    wprintf(L"%-28ls (in effect: %ls)\n", L"", effective[0] ? effective : L"none");
}

static void print_text(const NapAgentParameter *parameters, UINT32 count)
{
    wprintf(L"Parameters (%ls):\n", PARAMETERS_KEY_TEXT);
    wprintf(L"%-28ls %-12ls %-10ls %-10ls %ls\n", L"Name", L"Registry", L"In effect", L"Default", L"Range");
    for (UINT32 i = 0; i < count; i++)
    {
        const NapAgentParameter *p = &parameters[i];
        WCHAR name[64], registry[32], problem[256];

        counted_text(&p->name, name, ARRAYSIZE(name));
        counted_text(&p->problem, problem, ARRAYSIZE(problem));
        if (p->isText)
            print_text_value(p, name);
        else
        {
            if (p->state == napAgentParameterConfigured)
                _snwprintf(registry, ARRAYSIZE(registry), L"%u", p->configuredValue);
            else
                _snwprintf(registry, ARRAYSIZE(registry), L"%hs", parameter_state_name(p->state));
            registry[ARRAYSIZE(registry) - 1] = 0;
            wprintf(L"%-28ls %-12ls %-10u %-10u %u..%u\n", name, registry, p->effectiveValue, p->defaultValue,
                    p->minimum, p->maximum);
        }
        if (p->state == napAgentParameterInvalid)
            wprintf(L"%-28ls (%ls; %ls)\n", L"", problem, p->isText ? L"not used" : L"the default is used");
    }
    wprintf(L"Values are read when the service starts; napctl set retry changes the retry values at once.\n");
}

static void print_json(const NapAgentParameter *parameters, UINT32 count)
{
    struct json_writer json;

    json_init(&json, stdout);
    json_begin_object(&json, NULL);
    json_text(&json, "key", PARAMETERS_KEY_TEXT);
    json_begin_object(&json, "parameters");
    for (UINT32 i = 0; i < count; i++)
    {
        const NapAgentParameter *p = &parameters[i];
        const char *type = registry_type_name(p->registryType);
        char key[64];
        int n = WideCharToMultiByte(CP_UTF8, 0, p->name.string, p->name.length, key, sizeof(key) - 1, NULL, NULL);

        key[n > 0 ? n : 0] = 0;
        json_begin_object(&json, key);
        json_ascii(&json, "state", parameter_state_name(p->state));
        if (type)
            json_ascii(&json, "registryType", type);
        else
            json_null(&json, "registryType");
        /* The same keys for every value; a text value's are strings, its range null. */
        if (p->isText)
        {
            if (p->state == napAgentParameterConfigured)
                json_string(&json, "configuredValue", p->configuredText.string, p->configuredText.length);
            else
                json_null(&json, "configuredValue");
            if (p->effectiveText.length)
                json_string(&json, "effectiveValue", p->effectiveText.string, p->effectiveText.length);
            else
                json_null(&json, "effectiveValue");
            json_null(&json, "defaultValue");
            json_null(&json, "minimum");
            json_null(&json, "maximum");
        }
        else
        {
            if (p->registryType == REG_DWORD && p->state != napAgentParameterAbsent)
                json_uint(&json, "configuredValue", p->configuredValue);
            else
                json_null(&json, "configuredValue");
            json_uint(&json, "effectiveValue", p->effectiveValue);
            json_uint(&json, "defaultValue", p->defaultValue);
            json_uint(&json, "minimum", p->minimum);
            json_uint(&json, "maximum", p->maximum);
        }
        if (p->problem.length)
            json_string(&json, "problem", p->problem.string, p->problem.length);
        else
            json_null(&json, "problem");
        json_end_object(&json);
    }
    json_end_object(&json);
    json_end_object(&json);
    json_finish(&json);
}

int command_show_config(BOOL json)
{
    INapAgentDiagnostics *diagnostics;
    NapAgentParameter *parameters = NULL;
    UINT32 count = 0;
    int result = connect_diagnostics(&diagnostics);

    if (result)
        return result;
    result = get_configuration(diagnostics, &parameters, &count);
    INapAgentDiagnostics_Release(diagnostics);
    if (result)
        return result;
    if (json)
        print_json(parameters, count);
    else
        print_text(parameters, count);
    free_parameters(parameters, count);
    return NAPCTL_OK;
}
