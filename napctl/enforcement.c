/* napctl enforcement enable|disable ID: what "netsh nap client set enforcement ID = n
 * ADMIN = ENABLE|DISABLE" did on Windows. */
#include "napctl.h"
#include <stdio.h>
#include <napagentclasses.h>
#include <napmanagement.h>

BOOL parse_uint32(const WCHAR *text, UINT32 *value)
{
    unsigned long long n = 0;
    unsigned base = 10;

    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    {
        base = 16;
        text += 2;
    }
    if (!*text)
        return FALSE;
    for (; *text; text++)
    {
        unsigned digit;

        if (*text >= '0' && *text <= '9')
            digit = *text - '0';
        else if (base == 16 && *text >= 'a' && *text <= 'f')
            digit = *text - 'a' + 10;
        else if (base == 16 && *text >= 'A' && *text <= 'F')
            digit = *text - 'A' + 10;
        else
            return FALSE;
        n = n * base + digit;
        if (n > 0xffffffffull)
            return FALSE;
    }
    *value = (UINT32)n;
    return TRUE;
}

/* The EC's friendly name, for the administrator's confirmation; NULL if it cannot be had (the
 * change itself is done by then, so this never fails the command). Free with CoTaskMemFree. */
static WCHAR *enforcement_client_name(UINT32 id)
{
    INapClientManagement *management;
    NapComponentRegistrationInfo *ecs = NULL;
    EnforcementEntityCount count = 0;
    WCHAR *name = NULL;

    if (FAILED(CoCreateInstance(&CLSID_NapClientManagement, NULL, CLSCTX_LOCAL_SERVER, &IID_INapClientManagement,
                                (void **)&management)))
        return NULL;
    if (SUCCEEDED(INapClientManagement_GetRegisteredEnforcementClients(management, &count, &ecs)))
    {
        for (UINT16 i = 0; i < count; i++)
        {
            if (ecs[i].id == id && !name)
            {
                name = ecs[i].friendlyName.string;
                ecs[i].friendlyName.string = NULL;
            }
            CoTaskMemFree(ecs[i].friendlyName.string);
            CoTaskMemFree(ecs[i].description.string);
            CoTaskMemFree(ecs[i].version.string);
            CoTaskMemFree(ecs[i].vendorName.string);
        }
        CoTaskMemFree(ecs);
    }
    INapClientManagement_Release(management);
    return name;
}

int command_enforcement(UINT32 id, BOOL enable)
{
    INapAgentDiagnostics *diagnostics;
    WCHAR *name;
    HRESULT hr;
    int result = connect_diagnostics(&diagnostics);

    if (result)
        return result;
    hr = INapAgentDiagnostics_SetEnforcementClientEnabled(diagnostics, id, enable);
    INapAgentDiagnostics_Release(diagnostics);
    if (hr == NAP_E_ID_NOT_FOUND)
    {
        fwprintf(stderr, L"napctl: no enforcement client with id %u is registered\n", id);
        return NAPCTL_FAILED;
    }
    if (FAILED(hr))
    {
        fwprintf(stderr, L"napctl: could not %ls enforcement client %u: %#lx\n", enable ? L"enable" : L"disable",
                 id, hr);
        return NAPCTL_FAILED;
    }
    name = enforcement_client_name(id);
    if (name)
        wprintf(L"enforcement client %u (%ls) %ls\n", id, name, enable ? L"enabled" : L"disabled");
    else
        wprintf(L"enforcement client %u %ls\n", id, enable ? L"enabled" : L"disabled");
    CoTaskMemFree(name);
    return NAPCTL_OK;
}
