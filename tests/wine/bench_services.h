/* What the service benchmarks share: a clock, waiting for a service state, and the do-nothing
 * service (bench_null_service.exe, next to the benchmark) registered as their baseline. */
#ifndef NAPAGENT_WINE_BENCH_SERVICES_H
#define NAPAGENT_WINE_BENCH_SERVICES_H

#include <windows.h>

#define NULL_SERVICE_NAME L"napbench-null"

static inline double now_ms(void)
{
    LARGE_INTEGER frequency, counter;

    QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&counter);
    return counter.QuadPart * 1000.0 / frequency.QuadPart;
}

/* Waits for `state` (polling every 1 ms); the time it took since start, or -1 after 20 s. */
static inline double wait_state(SC_HANDLE service, DWORD state, double start)
{
    SERVICE_STATUS status;

    while (now_ms() - start < 20000)
    {
        if (QueryServiceStatus(service, &status) && status.dwCurrentState == state)
            return now_ms() - start;
        Sleep(1);
    }
    return -1;
}

/* The do-nothing service, created on first use; NULL if it cannot be. DeleteService it after. */
static inline SC_HANDLE open_null_service(SC_HANDLE scm)
{
    WCHAR path[MAX_PATH], *slash;
    SC_HANDLE service;

    GetModuleFileNameW(NULL, path, MAX_PATH);
    slash = wcsrchr(path, L'\\');
    wcscpy(slash ? slash + 1 : path, L"bench_null_service.exe");
    service = CreateServiceW(scm, NULL_SERVICE_NAME, L"napagent bench: a service that does nothing",
                             SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS, SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL,
                             path, NULL, NULL, NULL, NULL, NULL);
    return service ? service : OpenServiceW(scm, NULL_SERVICE_NAME, SERVICE_ALL_ACCESS);
}

#endif
