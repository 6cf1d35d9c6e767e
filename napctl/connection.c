/* Reaching the napagent service, and saying why not: not installed (exit 3), not running
 * (exit 4), or activation failed (exit 1). */
#include "napctl.h"
#include <stdio.h>
#include <napagentclasses.h>

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

int connect_diagnostics(INapAgentDiagnostics **diagnostics)
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
