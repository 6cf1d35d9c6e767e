/* napctl ping [COUNT]: is the service there, and how long a bare round trip takes. */
#include "napctl.h"
#include <stdio.h>

int command_ping(int count)
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
