/* Helper of tests/wine/enablement.t (not a test itself): what an enforcement client sees when it
 * binds. Prints one "name: 0xHRESULT" line per step, so the script can check the answers.
 *   probe_ec_initialize [--register] ID   register ID as an EC if asked, then create the EC
 *                                         binding, Initialize(ID, callback), Uninitialize
 *   probe_ec_initialize --unregister ID   unregister the EC ID
 * ID is decimal or 0x-hex. Exit 0 when every step could be tried, 1 when something around the
 * steps failed (activation), 2 for a bad command line. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <napagentclasses.h>
#include <napenforcementclient.h>
#include <napmanagement.h>
#include "test_clients.h"

static INapClientManagement *management(void)
{
    INapClientManagement *management = NULL;
    HRESULT hr = CoCreateInstance(&CLSID_NapClientManagement, NULL, CLSCTX_INPROC_SERVER, &IID_INapClientManagement,
                                  (void **)&management);

    if (FAILED(hr))
        printf("activation of NapClientManagement failed: 0x%08lx\n", hr);
    return management;
}

static int register_ec(UINT32 id)
{
    INapClientManagement *manager = management();
    NapComponentRegistrationInfo info;
    HRESULT hr;

    if (!manager)
        return 1;
    memset(&info, 0, sizeof(info));
    info.id = id;
    info.friendlyName.string = (WCHAR *)L"Enablement Probe";
    info.friendlyName.length = (UINT16)wcslen(info.friendlyName.string);
    info.vendorName.string = (WCHAR *)L"napagent tests";
    info.vendorName.length = (UINT16)wcslen(info.vendorName.string);
    info.componentType = ComponentTypeEnforcementClientSoH;
    GetSystemTimeAsFileTime(&info.registrationDate);
    hr = INapClientManagement_RegisterEnforcementClient(manager, &info);
    printf("register: 0x%08lx\n", hr);
    INapClientManagement_Release(manager);
    return 0;
}

static int unregister_ec(UINT32 id)
{
    INapClientManagement *manager = management();
    HRESULT hr;

    if (!manager)
        return 1;
    hr = INapClientManagement_UnregisterEnforcementClient(manager, id);
    printf("unregister: 0x%08lx\n", hr);
    INapClientManagement_Release(manager);
    return 0;
}

static int initialize_ec(UINT32 id)
{
    INapEnforcementClientBinding *binding = NULL;
    HRESULT hr = CoCreateInstance(&CLSID_NapEnforcementClientBinding, NULL, CLSCTX_INPROC_SERVER,
                                  &IID_INapEnforcementClientBinding, (void **)&binding);

    if (FAILED(hr))
    {
        printf("activation of NapEnforcementClientBinding failed: 0x%08lx\n", hr);
        return 1;
    }
    hr = INapEnforcementClientBinding_Initialize(binding, id, &ec_callback);
    printf("initialize: 0x%08lx\n", hr);
    if (SUCCEEDED(hr))
    {
        hr = INapEnforcementClientBinding_Uninitialize(binding);
        printf("uninitialize: 0x%08lx\n", hr);
    }
    INapEnforcementClientBinding_Release(binding);
    return 0;
}

int main(int argc, char **argv)
{
    const char *option = argc == 3 ? argv[1] : "";
    const char *id_text = argv[argc - 1];
    char *end = NULL;
    unsigned long long id;
    int result = 0;

    if (argc < 2 || argc > 3 || (argc == 3 && strcmp(option, "--register") && strcmp(option, "--unregister")))
    {
        fprintf(stderr, "usage: probe_ec_initialize [--register|--unregister] ID\n");
        return 2;
    }
    id = strtoull(id_text, &end, 0);
    if (!*id_text || *end || id > 0xffffffffull)
    {
        fprintf(stderr, "probe_ec_initialize: bad id '%s'\n", id_text);
        return 2;
    }
    if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)))
        return 1;
    if (!strcmp(option, "--unregister"))
        result = unregister_ec((UINT32)id);
    else
    {
        if (!strcmp(option, "--register"))
            result = register_ec((UINT32)id);
        if (!result)
            result = initialize_ec((UINT32)id);
    }
    CoUninitialize();
    fflush(stdout);
    return result;
}
