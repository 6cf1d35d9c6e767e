/* The soak: several EC processes (probe_soak_ec.exe) run health changes for a configurable time
 * against the real service. This process is their SHA: each cycle it reports a change (a new
 * SoH); every EC fails the first notification, applies the retry, and every few changes unbinds
 * and binds again; the next cycle starts when all have applied. Each EC checks it got exactly two
 * notifications per change, none lost and none extra; this process checks the cycles all
 * completed and asks the service (INapAgentDiagnostics::GetResourceUsage) for its committed
 * memory and handle count ten times over the run (the curve), after a warm-up and at the end. NAPAGENT_SOAK_SECONDS (default 8) and NAPAGENT_SOAK_CLIENTS (default 3) size the run;
 * make soak runs it for 10 minutes. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <napagentclasses.h>
#include <napagentdiag.h>
#include <napenforcementclient.h>
#include <napmanagement.h>
#include <napsystemhealthagent.h>
#include "../tap.h"
#include "wine_test.h"
#include "test_clients.h"

#define EC_BASE 0x77000001u
#define SHA_ID 0x77000101u
#define MAX_CLIENTS 16
#define REBIND_EVERY 5
#define WARM_UP_CYCLES 20

static HANDLE start_client(UINT32 id, const char *applied, const char *stop)
{
    char args[256];

    snprintf(args, sizeof(args), "%#x %d %s %s %lu", id, REBIND_EVERY, applied, stop, GetCurrentProcessId());
    return start_helper("probe_soak_ec.exe", args);
}

/* Waits until `count` clients released the semaphore once each (in any order). */
static BOOL all_applied(HANDLE applied, int count, DWORD timeout_ms)
{
    for (int i = 0; i < count; ++i)
        if (WaitForSingleObject(applied, timeout_ms) != WAIT_OBJECT_0)
            return FALSE;
    return TRUE;
}

int main(void)
{
    const char *seconds_env = getenv("NAPAGENT_SOAK_SECONDS"), *clients_env = getenv("NAPAGENT_SOAK_CLIENTS");
    const char *hold = getenv("NAPAGENT_SOAK_HOLD");
    DWORD seconds = seconds_env ? strtoul(seconds_env, NULL, 10) : 8;
    int clients = clients_env ? atoi(clients_env) : 3;
    NapAgentRetryPolicy fast = {5, 1000, 5, 0, 1000};
    INapClientManagement *management = NULL;
    INapAgentDiagnostics *diagnostics = NULL;
    INapSystemHealthAgentBinding *sha = NULL;
    NapComponentRegistrationInfo info;
    WCHAR ec_name[] = L"soak EC", sha_name[] = L"soak SHA";
    char applied_name[64], stop_name[64];
    HANDLE processes[MAX_CLIENTS], applied, stop;
    NapAgentResourceUsage initial, warm, end, final;
    unsigned cycles = 0, warm_cycles = 0, good_exits = 0;
    DWORD start, elapsed = 0, code, sample_every, next_sample;
    BOOL sampled_warm = FALSE, stalled = FALSE;
    HRESULT hr;

    if (clients < 1 || clients > MAX_CLIENTS)
        clients = 3;
    sha_callback_id = SHA_ID;
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    management = create_object(&CLSID_NapClientManagement, CLSCTX_INPROC_SERVER, &IID_INapClientManagement);
    diagnostics = create_object(&CLSID_NapAgentDiagnostics, CLSCTX_LOCAL_SERVER, &IID_INapAgentDiagnostics);
    sha = create_object(&CLSID_NapSystemHealthAgentBinding, CLSCTX_INPROC_SERVER, &IID_INapSystemHealthAgentBinding);
    if (!management || !diagnostics || !sha)
        tap_bail("cannot reach napagent");
    hr = INapAgentDiagnostics_GetResourceUsage(diagnostics, &initial);
    ok(hr == S_OK, "the service's objects counted before the soak: %#lx", hr);
    /* Retries after 5 ms, no jitter: a cycle costs the exchanges, not the waiting. */
    hr = INapAgentDiagnostics_SetRetryPolicy(diagnostics, napAgentRetryAll, &fast);
    ok(hr == S_OK, "retry policy set to 5 ms for the soak: got %#lx", hr);
    for (int i = 0; i < clients; ++i)
        if (FAILED(hr = register_enabled_ec(management, diagnostics, EC_BASE + i, ec_name)))
            break;
    ok(hr == S_OK, "%d soak ECs registered and enabled: got %#lx", clients, hr);
    fill_registration(&info, SHA_ID, sha_name, 0);
    hr = INapClientManagement_RegisterSystemHealthAgent(management, &info);
    if (SUCCEEDED(hr))
        hr = INapSystemHealthAgentBinding_Initialize(sha, SHA_ID, &sha_callback);
    ok(hr == S_OK, "the soak SHA (this process) bound: got %#lx", hr);

    snprintf(applied_name, sizeof(applied_name), "napagent-soak-applied-%lu", GetCurrentProcessId());
    snprintf(stop_name, sizeof(stop_name), "napagent-soak-stop-%lu", GetCurrentProcessId());
    applied = CreateSemaphoreA(NULL, 0, MAX_CLIENTS * 2, applied_name);
    stop = CreateEventA(NULL, TRUE, FALSE, stop_name);
    for (int i = 0; i < clients; ++i)
        processes[i] = start_client(EC_BASE + i, applied_name, stop_name);
    ok(all_applied(applied, clients, 15000), "%d EC processes bound", clients);

    diag("soak: %d clients for %lu s", clients, seconds);
    /* Ten samples over the run make the memory curve: growth that flattens is a warm-up, growth
     * that keeps its slope is a leak. */
    sample_every = seconds * 100 > 1000 ? seconds * 100 : 1000;
    start = GetTickCount();
    next_sample = sample_every;
    while ((elapsed = GetTickCount() - start) < seconds * 1000)
    {
        INapSystemHealthAgentBinding_NotifySoHChange(sha);
        if (!all_applied(applied, clients, 10000))
        {
            stalled = TRUE;
            /* NAPAGENT_SOAK_HOLD=S keeps every process as it is for S seconds, for winedbg. */
            if (hold && *hold)
            {
                diag("soak stalled after %u cycles; holding %s s for a debugger (this process is %lu)", cycles, hold,
                     GetCurrentProcessId());
                Sleep(strtoul(hold, NULL, 10) * 1000);
            }
            break;
        }
        ++cycles;
        if (GetTickCount() - start >= next_sample)
        {
            NapAgentResourceUsage now;

            if (INapAgentDiagnostics_GetResourceUsage(diagnostics, &now) == S_OK)
                diag("soak curve: %6lu ms %7u cycles %10I64u bytes committed %10I64u in heaps %4lu handles "
                     "%3lu threads", GetTickCount() - start, cycles, now.commitBytes, now.heapBytes, now.handles,
                     now.threads);
            next_sample += sample_every;
        }
        /* The first quarter of the run warms the heaps and the thread pool up; growth is measured
         * from there. */
        if (!sampled_warm && cycles >= WARM_UP_CYCLES && GetTickCount() - start >= seconds * 250)
        {
            sampled_warm = INapAgentDiagnostics_GetResourceUsage(diagnostics, &warm) == S_OK;
            warm_cycles = cycles;
        }
    }
    ok(!stalled, "every cycle completed (each EC failed once and applied the retry): %u cycles", cycles);
    hr = INapAgentDiagnostics_GetResourceUsage(diagnostics, &end);
    ok(hr == S_OK && end.handles && end.commitBytes, "the service's memory and handles measured at the end: %#lx, "
       "%lu handles, %I64u bytes", hr, end.handles, end.commitBytes);
    SetEvent(stop);
    for (int i = 0; i < clients; ++i)
    {
        if (processes[i] && WaitForSingleObject(processes[i], 15000) == WAIT_OBJECT_0
            && GetExitCodeProcess(processes[i], &code) && code == 0)
            ++good_exits;
        if (processes[i])
            CloseHandle(processes[i]);
    }
    ok(good_exits == (unsigned)clients, "every EC got exactly two notifications per change, none lost, none extra: "
       "%u of %d", good_exits, clients);
    diag("soak: %u cycles x %d ECs in %lu ms: %.0f EC cycles/s", cycles, clients, elapsed,
         elapsed ? cycles * clients * 1000.0 / elapsed : 0.0);
    if (sampled_warm && cycles > warm_cycles)
    {
        double per = 10000.0 / ((double)(cycles - warm_cycles) * clients);

        diag("service committed memory: %I64u bytes after %u cycles, %I64u at the end: %+.0f bytes per 10,000 EC "
             "cycles", warm.commitBytes, warm_cycles, end.commitBytes,
             ((double)end.commitBytes - (double)warm.commitBytes) * per);
        diag("service heap bytes in use: %I64u after %u cycles, %I64u at the end: %+.0f bytes per 10,000 EC cycles",
             warm.heapBytes, warm_cycles, end.heapBytes, ((double)end.heapBytes - (double)warm.heapBytes) * per);
        diag("service handles: %lu after %u cycles, %lu at the end: %+.1f per 10,000 EC cycles; threads %lu -> %lu",
             warm.handles, warm_cycles, end.handles, ((double)end.handles - (double)warm.handles) * per,
             warm.threads, end.threads);
        /* Generous, so that no timing makes it fail: a leak of a handle or of a few hundred bytes
         * per EC cycle would still show here many times over. */
        ok(end.handles <= warm.handles + 20, "the service's handle count stays flat: %lu -> %lu", warm.handles,
           end.handles);
        ok(end.commitBytes <= warm.commitBytes + 4u * 1024 * 1024 + (UINT64)(cycles - warm_cycles) * clients * 64,
           "the service's committed memory stays flat: %I64u -> %I64u", warm.commitBytes, end.commitBytes);
    }

    INapSystemHealthAgentBinding_Uninitialize(sha);
    INapClientManagement_UnregisterSystemHealthAgent(management, SHA_ID);
    for (int i = 0; i < clients; ++i)
        INapClientManagement_UnregisterEnforcementClient(management, EC_BASE + i);
    /* Every EC process unbound and released its objects before it exited, and the SHA requests
     * were all given back: the service's own objects are what they were before the soak. */
    hr = INapAgentDiagnostics_GetResourceUsage(diagnostics, &final);
    ok(hr == S_OK && final.ecBindings == initial.ecBindings && final.connections == initial.connections
           && final.shaRequests == initial.shaRequests && final.shaBindings == initial.shaBindings,
       "no object of the service's outlived the soak: EC bindings %lu -> %lu, connections %lu -> %lu, SHA "
       "requests %lu -> %lu, SHA bindings %lu -> %lu", initial.ecBindings, final.ecBindings, initial.connections,
       final.connections, initial.shaRequests, final.shaRequests, initial.shaBindings, final.shaBindings);
    hr = reset_retry_policy(diagnostics);
    ok(hr == S_OK, "retry policy back to the defaults: got %#lx", hr);
    INapSystemHealthAgentBinding_Release(sha);
    INapAgentDiagnostics_Release(diagnostics);
    INapClientManagement_Release(management);
    CloseHandle(applied);
    CloseHandle(stop);
    CoUninitialize();
    return tap_done();
}
