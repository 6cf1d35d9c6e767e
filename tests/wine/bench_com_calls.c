/* make bench, COM side: NAP method round trips against the no-op INapAgentDiagnostics::Ping on
 * the same server, measured in the same run. Prints figures; never fails on a timing. */
#include <windows.h>
#include <stdio.h>
#include <napagentclasses.h>
#include <napagentdiag.h>
#include <napenforcementclient.h>

#define ROUNDS 5
#define CALLS 2000

static double seconds(void)
{
    LARGE_INTEGER now, freq;

    QueryPerformanceCounter(&now);
    QueryPerformanceFrequency(&freq);
    return (double)now.QuadPart / (double)freq.QuadPart;
}

/* Best of several rounds: the least disturbed measurement of the same work. */
static double best_us_per_call(HRESULT (*call)(void *), void *object)
{
    double best = 1e9;

    for (int round = 0; round < ROUNDS; round++)
    {
        double start = seconds();
        for (int i = 0; i < CALLS; i++)
            call(object);
        double us = (seconds() - start) * 1e6 / CALLS;
        if (us < best)
            best = us;
    }
    return best;
}

static HRESULT call_ping(void *object)
{
    return INapAgentDiagnostics_Ping((INapAgentDiagnostics *)object);
}

static HRESULT call_failure_uninitialized(void *object)
{
    return INapEnforcementClientBinding_NotifySoHChangeFailure((INapEnforcementClientBinding *)object);
}

int main(void)
{
    INapAgentDiagnostics *diagnostics;
    INapEnforcementClientBinding *binding;
    double ping_us, failure_us;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (FAILED(CoCreateInstance(&CLSID_NapAgentDiagnostics, NULL, CLSCTX_LOCAL_SERVER, &IID_INapAgentDiagnostics,
                                (void **)&diagnostics)) ||
        FAILED(CoCreateInstance(&CLSID_NapEnforcementClientBinding, NULL, CLSCTX_INPROC_SERVER,
                                &IID_INapEnforcementClientBinding, (void **)&binding)))
    {
        fprintf(stderr, "bench: cannot reach napagent\n");
        return 1;
    }
    ping_us = best_us_per_call(call_ping, diagnostics);
    failure_us = best_us_per_call(call_failure_uninitialized, binding);
    printf("COM round trips, best of %d x %d calls, same service, same run:\n", ROUNDS, CALLS);
    printf("  baseline INapAgentDiagnostics::Ping                         %8.1f us\n", ping_us);
    printf("  NotifySoHChangeFailure (not initialized)                    %8.1f us  ratio %.2fx\n", failure_us,
           failure_us / ping_us);
    INapEnforcementClientBinding_Release(binding);
    INapAgentDiagnostics_Release(diagnostics);
    CoUninitialize();
    return 0;
}
