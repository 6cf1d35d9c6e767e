/* napctl.exe: the administrator's command line for napagent. It talks to the service through
 * napagent's private INapAgentDiagnostics interface. */
#include <windows.h>
#include <stdio.h>
#include <napagentclasses.h>
#include <napagentdiag.h>

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
             L"  ping [COUNT]   time COUNT (default 10) round trips to the napagent service\n"
             L"  --version      print the version\n"
             L"  --help         print this help\n"
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

static int ping(int count)
{
    INapAgentDiagnostics *diagnostics;
    LARGE_INTEGER freq, start, end;
    HRESULT hr;
    int result = check_service_running();

    if (result)
        return result;
    hr = CoCreateInstance(&CLSID_NapAgentDiagnostics, NULL, CLSCTX_LOCAL_SERVER, &IID_INapAgentDiagnostics,
                          (void **)&diagnostics);
    if (FAILED(hr))
    {
        fwprintf(stderr, L"napctl: cannot reach napagent: %#lx%ls\n", hr,
                 hr == E_NOINTERFACE ? L" (is qagent.dll registered? run 'regsvr32 qagent.dll')" : L"");
        return NAPCTL_FAILED;
    }
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
    if (argc < 2)
        fwprintf(stderr, L"napctl: a command is needed\n");
    else
        fwprintf(stderr, L"napctl: unknown command '%ls'\n", argv[1]);
    usage(stderr);
    return NAPCTL_USAGE;
}
