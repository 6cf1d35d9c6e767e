/* napctl.exe: the administrator's command line for napagent. It talks to the service through
 * napagent's private INapAgentDiagnostics interface. */
#include <windows.h>
#include <stdio.h>
#include <napagentclasses.h>
#include <napagentdiag.h>
#include <napmanagement.h>

enum napctl_exit
{
    NAPCTL_OK = 0,
    NAPCTL_FAILED = 1,
    NAPCTL_USAGE = 2,
    NAPCTL_NOT_INSTALLED = 3,
    NAPCTL_NOT_RUNNING = 4,
};

static void usage(FILE *out)
{
    fwprintf(out,
             L"Usage: napctl COMMAND\n"
             L"  ping [COUNT]                 time COUNT (default 10) round trips to the napagent service\n"
             L"  enforcement enable|disable ID\n"
             L"                               let a registered enforcement client bind (Initialize) or\n"
             L"                               refuse it; ID decimal or 0x-hex (what 'netsh nap client set\n"
             L"                               enforcement ID = 79617 ADMIN = \"ENABLE\"' does on Windows)\n"
             L"  --version                    print the version\n"
             L"  --help                       print this help\n"
             L"Exit codes: 0 ok, 1 failed, 2 bad command line, 3 service not installed, 4 service not running.\n");
}

/* napctl never starts the service behind the administrator's back: it says how to. */
static int check_service_running(void)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    SC_HANDLE service;
    SERVICE_STATUS status;
    int result = NAPCTL_OK;

    if (!scm)
    {
        fwprintf(stderr, L"napctl: cannot open the service control manager: error %lu\n", GetLastError());
        return NAPCTL_FAILED;
    }
    service = OpenServiceW(scm, L"napagent", SERVICE_QUERY_STATUS);
    if (!service)
    {
        fwprintf(stderr, L"napctl: the napagent service is not installed; run 'napagent.exe install'.\n");
        result = NAPCTL_NOT_INSTALLED;
    }
    else
    {
        if (!QueryServiceStatus(service, &status) || status.dwCurrentState != SERVICE_RUNNING)
        {
            fwprintf(stderr, L"napctl: the napagent service is not running; start it with 'net start napagent'.\n");
            result = NAPCTL_NOT_RUNNING;
        }
        CloseServiceHandle(service);
    }
    CloseServiceHandle(scm);
    return result;
}

/* The service's administration object, or the exit code that says why it cannot be reached. */
static int connect_diagnostics(INapAgentDiagnostics **diagnostics)
{
    int result = check_service_running();
    HRESULT hr;

    if (result)
        return result;
    hr = CoCreateInstance(&CLSID_NapAgentDiagnostics, NULL, CLSCTX_LOCAL_SERVER, &IID_INapAgentDiagnostics,
                          (void **)diagnostics);
    if (FAILED(hr))
    {
        fwprintf(stderr, L"napctl: cannot reach napagent: %#lx%ls\n", hr,
                 hr == E_NOINTERFACE ? L" (is qagent.dll registered? run 'regsvr32 qagent.dll')" : L"");
        return NAPCTL_FAILED;
    }
    return NAPCTL_OK;
}

static int ping(int count)
{
    INapAgentDiagnostics *diagnostics;
    LARGE_INTEGER freq, start, end;
    HRESULT hr = S_OK;
    int result = connect_diagnostics(&diagnostics);

    if (result)
        return result;
    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&start);
    for (int i = 0; i < count && SUCCEEDED(hr); i++)
        hr = INapAgentDiagnostics_Ping(diagnostics);
    QueryPerformanceCounter(&end);
    INapAgentDiagnostics_Release(diagnostics);
    if (FAILED(hr))
    {
        fwprintf(stderr, L"napctl: ping failed: %#lx\n", hr);
        return NAPCTL_FAILED;
    }
    wprintf(L"napagent answered %d pings, %.1f us per round trip\n", count,
            (double)(end.QuadPart - start.QuadPart) * 1e6 / (double)freq.QuadPart / count);
    return NAPCTL_OK;
}

/* An enforcement client id as administrators write it: decimal (79617) or 0x-hex (0x13701). */
static BOOL parse_id(const WCHAR *text, UINT32 *id)
{
    unsigned long long value = 0;
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
        value = value * base + digit;
        if (value > 0xffffffffull)
            return FALSE;
    }
    *id = (UINT32)value;
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

static int set_enforcement(UINT32 id, BOOL enable)
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

int wmain(int argc, WCHAR **argv)
{
    int result;

    if (argc >= 2 && (!wcscmp(argv[1], L"--help") || !wcscmp(argv[1], L"/?")))
    {
        usage(stdout);
        return NAPCTL_OK;
    }
    if (argc == 2 && !wcscmp(argv[1], L"--version"))
    {
        wprintf(L"napctl %hs\n", NAPAGENT_VERSION);
        return NAPCTL_OK;
    }
    if (argc >= 2 && argc <= 3 && !wcscmp(argv[1], L"ping"))
    {
        WCHAR *end = NULL;
        long count = argc == 3 ? wcstol(argv[2], &end, 10) : 10;

        if ((end && *end) || count < 1 || count > 1000000)
        {
            fwprintf(stderr, L"napctl: ping COUNT must be a number from 1 to 1000000, got '%ls'\n", argv[2]);
            return NAPCTL_USAGE;
        }
        if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)))
            return NAPCTL_FAILED;
        result = ping((int)count);
        CoUninitialize();
        return result;
    }
    if (argc >= 2 && !wcscmp(argv[1], L"enforcement"))
    {
        BOOL enable = argc >= 3 && !wcscmp(argv[2], L"enable");
        UINT32 id;

        if (argc != 4 || (!enable && wcscmp(argv[2], L"disable")))
        {
            fwprintf(stderr, L"napctl: usage: napctl enforcement enable|disable ID\n");
            return NAPCTL_USAGE;
        }
        if (!parse_id(argv[3], &id))
        {
            fwprintf(stderr, L"napctl: an enforcement client ID is a number from 0 to 4294967295, decimal "
                             L"(79617) or hexadecimal (0x13701); got '%ls'\n", argv[3]);
            return NAPCTL_USAGE;
        }
        if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)))
            return NAPCTL_FAILED;
        result = set_enforcement(id, enable);
        CoUninitialize();
        return result;
    }
    if (argc < 2)
        fwprintf(stderr, L"napctl: a command is needed\n");
    else
        fwprintf(stderr, L"napctl: unknown command '%ls'\n", argv[1]);
    usage(stderr);
    return NAPCTL_USAGE;
}
