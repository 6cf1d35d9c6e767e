/* A client for t_random_kills to kill: binds ID as an EC or an SHA and keeps busy with ordinary
 * work until it is killed, recording in the driver's shared memory where it is at every moment,
 * so that the driver can tell where each kill landed.
 *   probe_victim.exe ec|sha|quiet-sha ID SHARED_MEMORY_NAME READY_EVENT SEED DRIVER_PID
 * As an EC: a second connection created and brought down, GetSoHRequest, NotifySoHChangeFailure (a retry
 * pending), and inside NotifySoHChange either of those or a short sleep. As an SHA:
 * NotifySoHChange and FlushCache, and inside GetSoHRequest the SoH set and a short sleep. A
 * quiet SHA (the mixed soak's) never reports a change, for which the agent would owe the soak's
 * ECs a notification: it reads the isolation state and flushes its cache, and stays a little in
 * the agent's isolation and orphan notices, so that kills land there too.
 * Initialize is retried while the id is still held (by the victim killed before it); exit 1 when
 * it cannot bind within 10 s. It also ends when its driver does: a victim that outlived a driver
 * killed for its time limit would hold prove's output pipe open (seen with the soak's victims). */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <napagentclasses.h>
#include <napenforcementclient.h>
#include <napsystemhealthagent.h>
#include "test_clients.h"
#include "victim_state.h"

static volatile struct victim_state *state;
static INapEnforcementClientBinding *ec_binding;
static INapEnforcementClientConnection *connection;
static UINT32 main_rng, callback_rng;   /* one per thread that draws */

static UINT32 next_random(UINT32 *rng)
{
    *rng = *rng * 1103515245u + 12345u;
    return *rng >> 16;
}

/* Called from the agent's callbacks and from the main loop: one lock-free counter per place. */
static void enter(volatile LONG *where) { InterlockedIncrement(where); }
static void leave(volatile LONG *where) { InterlockedDecrement(where); }

static HRESULT WINAPI victim_NotifySoHChange(INapEnforcementClientCallback *iface)
{
    UINT32 choice = next_random(&callback_rng) % 3;
    BOOL hint;

    (void)iface;
    enter(&state->in_callback);
    if (choice == 0 && SUCCEEDED(INapEnforcementClientBinding_NotifySoHChangeFailure(ec_binding)))
        InterlockedExchange(&state->retry_pending, 1);
    else if (choice == 1 && SUCCEEDED(INapEnforcementClientBinding_GetSoHRequest(ec_binding, connection, &hint)))
        InterlockedExchange(&state->retry_pending, 0);
    else
        Sleep(next_random(&callback_rng) % 20);
    InterlockedIncrement(&state->callbacks);
    leave(&state->in_callback);
    return S_OK;
}

static const INapEnforcementClientCallbackVtbl victim_ec_vtbl = {
    ec_callback_QueryInterface, (void *)static_object_AddRef, (void *)static_object_Release,
    victim_NotifySoHChange, (void *)not_implemented,
};
static INapEnforcementClientCallback victim_ec = {&victim_ec_vtbl};

static HRESULT WINAPI victim_GetSoHRequest(INapSystemHealthAgentCallback *iface, INapSystemHealthAgentRequest *request)
{
    HRESULT hr;

    enter(&state->in_callback);
    hr = sha_callback_GetSoHRequest(iface, request);
    Sleep(next_random(&callback_rng) % 10);
    InterlockedIncrement(&state->callbacks);
    leave(&state->in_callback);
    return hr;
}

/* The agent's notices to a quiet SHA: a short stay. */
static void notice(void)
{
    enter(&state->in_callback);
    Sleep(next_random(&callback_rng) % 10);
    InterlockedIncrement(&state->callbacks);
    leave(&state->in_callback);
}

static HRESULT WINAPI victim_NotifySystemIsolationStateChange(INapSystemHealthAgentCallback *iface)
{
    (void)iface;
    notice();
    return S_OK;
}

static HRESULT WINAPI victim_NotifyOrphanedSoHRequest(INapSystemHealthAgentCallback *iface, const CorrelationId *id)
{
    (void)iface, (void)id;
    notice();
    return S_OK;
}

static INapSystemHealthAgentCallbackVtbl victim_sha_vtbl;
static INapSystemHealthAgentCallback victim_sha = {&victim_sha_vtbl};

static HRESULT bind_with_retry(BOOL ec, UINT32 id, INapSystemHealthAgentBinding **sha_binding)
{
    DWORD start = GetTickCount();
    HRESULT hr;

    hr = ec ? CoCreateInstance(&CLSID_NapEnforcementClientBinding, NULL, CLSCTX_INPROC_SERVER,
                               &IID_INapEnforcementClientBinding, (void **)&ec_binding)
            : CoCreateInstance(&CLSID_NapSystemHealthAgentBinding, NULL, CLSCTX_INPROC_SERVER,
                               &IID_INapSystemHealthAgentBinding, (void **)sha_binding);
    if (FAILED(hr))
        return hr;
    for (;;)
    {
        InterlockedIncrement(&state->bind_attempts);
        hr = ec ? INapEnforcementClientBinding_Initialize(ec_binding, id, &victim_ec)
                : INapSystemHealthAgentBinding_Initialize(*sha_binding, id, &victim_sha);
        if (hr != HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED) || GetTickCount() - start > 10000)
            break;
        Sleep(50);
    }
    InterlockedExchange(&state->bind_ms, (LONG)(GetTickCount() - start));
    if (SUCCEEDED(hr) && ec)
        hr = INapEnforcementClientBinding_CreateConnection(ec_binding, &connection);
    return hr;
}

static void ec_step(void)
{
    INapEnforcementClientConnection *extra;
    BOOL hint;

    switch (next_random(&main_rng) % 4)
    {
    case 0:
        if (SUCCEEDED(INapEnforcementClientBinding_GetSoHRequest(ec_binding, connection, &hint)))
            InterlockedExchange(&state->retry_pending, 0);
        break;
    case 1:
        if (SUCCEEDED(INapEnforcementClientBinding_NotifySoHChangeFailure(ec_binding)))
            InterlockedExchange(&state->retry_pending, 1);
        break;
    case 2:
        /* A second connection that comes and goes; the callback keeps using the first. */
        if (SUCCEEDED(INapEnforcementClientBinding_CreateConnection(ec_binding, &extra)))
        {
            INapEnforcementClientBinding_NotifyConnectionStateDown(ec_binding, extra);
            INapEnforcementClientConnection_Release(extra);
        }
        break;
    default:
        break;
    }
}

static void sha_step(INapSystemHealthAgentBinding *binding, BOOL quiet)
{
    IsolationInfo *info = NULL;
    BOOL unknown;

    if (next_random(&main_rng) % 8 == 0)
        INapSystemHealthAgentBinding_FlushCache(binding);
    else if (!quiet)
        INapSystemHealthAgentBinding_NotifySoHChange(binding);
    else if (SUCCEEDED(INapSystemHealthAgentBinding_GetSystemIsolationInfo(binding, &info, &unknown)) && info)
    {
        CoTaskMemFree(info->failureUrl.string);
        CoTaskMemFree(info);
    }
}

static DWORD WINAPI watch_driver(void *driver)
{
    WaitForSingleObject(driver, INFINITE);
    ExitProcess(3);
}

int main(int argc, char **argv)
{
    INapSystemHealthAgentBinding *sha_binding = NULL;
    HANDLE mapping, ready, driver;
    BOOL ec, quiet;
    UINT32 id;
    HRESULT hr;

    if (argc != 7 || (strcmp(argv[1], "ec") && strcmp(argv[1], "sha") && strcmp(argv[1], "quiet-sha")))
    {
        fprintf(stderr, "usage: probe_victim ec|sha|quiet-sha ID SHARED_MEMORY_NAME READY_EVENT SEED DRIVER_PID\n");
        return 2;
    }
    quiet = !strcmp(argv[1], "quiet-sha");
    if (!(driver = OpenProcess(SYNCHRONIZE, FALSE, (DWORD)strtoul(argv[6], NULL, 0)))
        || !CreateThread(NULL, 0, watch_driver, driver, 0, NULL))
        return 2;
    ec = !strcmp(argv[1], "ec");
    id = (UINT32)strtoul(argv[2], NULL, 0);
    main_rng = (UINT32)strtoul(argv[5], NULL, 0);
    callback_rng = main_rng ^ 0x5bd1e995u;
    mapping = OpenFileMappingA(FILE_MAP_WRITE, FALSE, argv[3]);
    state = mapping ? MapViewOfFile(mapping, FILE_MAP_WRITE, 0, 0, sizeof(*state)) : NULL;
    ready = OpenEventA(EVENT_MODIFY_STATE, FALSE, argv[4]);
    if (!state || !ready)
        return 2;
    victim_sha_vtbl = sha_callback_vtbl;
    victim_sha_vtbl.GetSoHRequest = victim_GetSoHRequest;
    if (quiet)
    {
        victim_sha_vtbl.NotifySystemIsolationStateChange = victim_NotifySystemIsolationStateChange;
        victim_sha_vtbl.NotifyOrphanedSoHRequest = victim_NotifyOrphanedSoHRequest;
    }
    sha_callback_id = id;
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    enter(&state->in_call);
    hr = bind_with_retry(ec, id, &sha_binding);
    leave(&state->in_call);
    if (FAILED(hr))
    {
        fprintf(stderr, "# victim %s %#x: cannot bind: %#lx\n", argv[1], id, hr);
        return 1;
    }
    SetEvent(ready);
    for (;;)
    {
        Sleep(next_random(&main_rng) % 5);
        enter(&state->in_call);
        if (ec)
            ec_step();
        else
            sha_step(sha_binding, quiet);
        InterlockedIncrement(&state->calls);
        leave(&state->in_call);
    }
}
