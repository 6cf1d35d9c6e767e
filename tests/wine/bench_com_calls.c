/* make bench, COM side: NAP method round trips against the no-op INapAgentDiagnostics::Ping on
 * the same server, and the time from an SHA's NotifySoHChange to the ECs' NotifySoHChange with
 * one EC frozen, all measured in the same run. Prints figures; never fails on a timing. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <napagentclasses.h>
#include <napagentdiag.h>
#include <napenforcementclient.h>
#include <napmanagement.h>
#include <napsystemhealthagent.h>
#include "test_clients.h"

#define ROUNDS 5
#define CALLS 1000
#define EC_BASE 0x79000001u
#define FROZEN_ID 0x790000FFu
#define SHA_ID 0x79000101u
#define GOOD_ECS_MAX 19   /* + the frozen one = maxEnforcerCount */

static INapClientManagement *management;
static INapAgentDiagnostics *diagnostics;
static INapEnforcementClientBinding *ecs[GOOD_ECS_MAX];
static INapSystemHealthAgentBinding *sha;
static INapEnforcementClientConnection *connection;

static double seconds(void)
{
    LARGE_INTEGER now, freq;

    QueryPerformanceCounter(&now);
    QueryPerformanceFrequency(&freq);
    return (double)now.QuadPart / (double)freq.QuadPart;
}

struct measured
{
    const char *what;
    void (*work)(void);
    int calls;
    double best_us;
};

/* Best of several rounds, the workloads interleaved so that none profits from running first or
 * last: the least disturbed measurement of each. */
static void measure_all(struct measured *list, int count)
{
    for (int i = 0; i < count; i++)
        list[i].best_us = 1e12;
    for (int round = 0; round < ROUNDS; round++)
    {
        for (int i = 0; i < count; i++)
        {
            double start = seconds();
            for (int call = 0; call < list[i].calls; call++)
                list[i].work();
            double us = (seconds() - start) * 1e6 / list[i].calls;
            if (us < list[i].best_us)
                list[i].best_us = us;
        }
    }
}

static void ping(void) { INapAgentDiagnostics_Ping(diagnostics); }
static void failure_nothing_pending(void) { INapEnforcementClientBinding_NotifySoHChangeFailure(ecs[0]); }
static void initialize_uninitialize(void)
{
    INapEnforcementClientBinding_Initialize(ecs[1], EC_BASE + 1, &ec_callback);
    INapEnforcementClientBinding_Uninitialize(ecs[1]);
}
static void get_soh_request(void)
{
    BOOL hint;

    INapEnforcementClientBinding_GetSoHRequest(ecs[0], connection, &hint);
}

static void get_soh_request_own_connection(void)
{
    BOOL hint;

    INapEnforcementClientBinding_GetSoHRequest(ecs[0], &own_connection, &hint);
}

static void register_ec(UINT32 id)
{
    static WCHAR name[] = L"bench EC";

    register_enabled_ec(management, diagnostics, id, name);
}

/* SHA NotifySoHChange until `count` ECs were notified; each then applies the change. */
static double change_to_notification_ms(int count, double *first_ms)
{
    LONG target = ec_notifications + count;
    double start = seconds(), first = -1;
    BOOL hint;

    ResetEvent(ec_notified);
    INapSystemHealthAgentBinding_NotifySoHChange(sha);
    while (ec_notifications < target)
    {
        if (WaitForSingleObject(ec_notified, 5000) != WAIT_OBJECT_0)
            return -1;
        ResetEvent(ec_notified);
        if (first < 0)
            first = (seconds() - start) * 1e3;
    }
    double all = (seconds() - start) * 1e3;
    /* The notification may have arrived before the SHA's call returned. */
    if (first < 0)
        first = all;
    for (int i = 0; i < count; i++)
        INapEnforcementClientBinding_GetSoHRequest(ecs[i], &own_connection, &hint);
    *first_ms = first;
    return all;
}

static void measure_fanout(int count)
{
    double first, all, best_first = 1e9, best_all = 1e9;

    for (int i = 0; i < count; i++)
        INapEnforcementClientBinding_Initialize(ecs[i], EC_BASE + i, &ec_callback);
    for (int round = 0; round < 20; round++)
    {
        all = change_to_notification_ms(count, &first);
        if (all >= 0 && all < best_all)
            best_all = all;
        if (all >= 0 && first < best_first)
            best_first = first;
    }
    printf("  SHA NotifySoHChange -> EC NotifySoHChange, %2d EC(s) + 1 frozen: first %6.2f ms, all %6.2f ms (best of 20)\n",
           count, best_first, best_all);
    for (int i = 0; i < count; i++)
        INapEnforcementClientBinding_Uninitialize(ecs[i]);
}

static PROCESS_INFORMATION start_frozen_ec(void)
{
    char exe[MAX_PATH], command[400], *slash;
    STARTUPINFOA startup;
    PROCESS_INFORMATION process = {0};
    HANDLE ready = CreateEventA(NULL, TRUE, FALSE, "napagent-bench-ready");
    HANDLE reacted = CreateEventA(NULL, TRUE, FALSE, "napagent-bench-frozen");

    memset(&startup, 0, sizeof(startup));
    startup.cb = sizeof(startup);
    GetModuleFileNameA(NULL, exe, sizeof(exe));
    slash = strrchr(exe, '\\');
    strcpy(slash ? slash + 1 : exe, "probe_ec_client.exe");
    sprintf(command, "\"%s\" %#x freeze napagent-bench-ready napagent-bench-frozen", exe, FROZEN_ID);
    if (CreateProcessA(NULL, command, NULL, NULL, FALSE, 0, NULL, NULL, &startup, &process))
        WaitForSingleObject(ready, 15000);
    /* The first change freezes it inside NotifySoHChange for the rest of the run. */
    INapSystemHealthAgentBinding_NotifySoHChange(sha);
    WaitForSingleObject(reacted, 5000);
    CloseHandle(ready);
    CloseHandle(reacted);
    return process;
}

int main(void)
{
    static WCHAR sha_name[] = L"bench SHA";
    NapComponentRegistrationInfo info;
    PROCESS_INFORMATION frozen;
    sha_callback_id = SHA_ID;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    ec_notified = CreateEventW(NULL, TRUE, FALSE, NULL);
    management = create_object(&CLSID_NapClientManagement, CLSCTX_INPROC_SERVER, &IID_INapClientManagement);
    diagnostics = create_object(&CLSID_NapAgentDiagnostics, CLSCTX_LOCAL_SERVER, &IID_INapAgentDiagnostics);
    sha = create_object(&CLSID_NapSystemHealthAgentBinding, CLSCTX_INPROC_SERVER, &IID_INapSystemHealthAgentBinding);
    for (int i = 0; i < GOOD_ECS_MAX; i++)
        ecs[i] = create_object(&CLSID_NapEnforcementClientBinding, CLSCTX_INPROC_SERVER, &IID_INapEnforcementClientBinding);
    if (!management || !diagnostics || !sha || !ecs[GOOD_ECS_MAX - 1])
    {
        fprintf(stderr, "bench: cannot reach napagent\n");
        return 1;
    }
    for (int i = 0; i < GOOD_ECS_MAX; i++)
        register_ec(EC_BASE + i);
    register_ec(FROZEN_ID);
    fill_registration(&info, SHA_ID, sha_name, 0);
    INapClientManagement_RegisterSystemHealthAgent(management, &info);
    INapSystemHealthAgentBinding_Initialize(sha, SHA_ID, &sha_callback);
    INapEnforcementClientBinding_Initialize(ecs[0], EC_BASE, &ec_callback);
    if (FAILED(INapEnforcementClientBinding_CreateConnection(ecs[0], &connection)))
    {
        fprintf(stderr, "bench: CreateConnection failed\n");
        return 1;
    }

    struct measured list[] = {
        {"baseline INapAgentDiagnostics::Ping", ping, CALLS, 0},
        {"NotifySoHChangeFailure (bound, through the core)", failure_nothing_pending, CALLS, 0},
        {"Initialize + Uninitialize (a pair of calls)", initialize_uninitialize, CALLS / 4, 0},
        {"GetSoHRequest (the agent's connection)", get_soh_request, CALLS, 0},
        {"GetSoHRequest (a connection the EC implemented)", get_soh_request_own_connection, CALLS, 0},
    };
    measure_all(list, ARRAYSIZE(list));
    printf("COM round trips, best of %d interleaved runs, same service, same run:\n", ROUNDS);
    for (size_t i = 0; i < ARRAYSIZE(list); i++)
        printf("  %-52s %8.1f us  ratio %.2fx\n", list[i].what, list[i].best_us, list[i].best_us / list[0].best_us);
    INapEnforcementClientBinding_NotifyConnectionStateDown(ecs[0], connection);
    INapEnforcementClientConnection_Release(connection);
    INapEnforcementClientBinding_Uninitialize(ecs[0]);

    frozen = start_frozen_ec();
    measure_fanout(1);
    measure_fanout(GOOD_ECS_MAX);
    TerminateProcess(frozen.hProcess, 9);
    WaitForSingleObject(frozen.hProcess, 5000);

    INapSystemHealthAgentBinding_Uninitialize(sha);
    /* Unregistered again, so that the next benchmark finds room for its own clients. */
    for (int i = 0; i < GOOD_ECS_MAX; i++)
    {
        INapEnforcementClientBinding_Uninitialize(ecs[i]);
        INapEnforcementClientBinding_Release(ecs[i]);
        INapClientManagement_UnregisterEnforcementClient(management, EC_BASE + i);
    }
    INapClientManagement_UnregisterEnforcementClient(management, FROZEN_ID);
    INapClientManagement_UnregisterSystemHealthAgent(management, SHA_ID);
    CoUninitialize();
    return 0;
}
