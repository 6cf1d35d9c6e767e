/* Clients that die or freeze: an EC killed with a retry pending, or dying inside NotifySoHChange,
 * is dropped and its id can be bound again within a few seconds; an EC frozen inside
 * NotifySoHChange delays nobody else; the same for an SHA dying or frozen inside the agent's
 * GetSoHRequest; a stop with an EC and an SHA frozen in their callbacks names them in the
 * service log and ends within its wait hint all the same. The misbehaving clients are separate processes (probe_ec_client.exe,
 * probe_sha_client.exe). */
#include <windows.h>
#include <stdio.h>
#include <napagentclasses.h>
#include <napagentdiag.h>
#include <napenforcementclient.h>
#include <napmanagement.h>
#include <napsystemhealthagent.h>
#include "../tap.h"
#include "wine_test.h"
#include "test_clients.h"

#define DEAD_ID 0x7C000001u
#define FROZEN_ID 0x7C000002u
#define GOOD_ID 0x7C000003u
#define DYING_ID 0x7C000004u
#define SHA_ID 0x7C000101u
#define DYING_SHA_ID 0x7C000102u
#define FROZEN_SHA_ID 0x7C000103u
#define IDLE_ID 0x7C000005u
#define IDLE_SHA_ID 0x7C000104u
#define STOP_FROZEN_ID 0x7C000006u
#define STOP_FROZEN_SHA_ID 0x7C000105u

struct probe
{
    PROCESS_INFORMATION process;
    HANDLE ready, reacted, thaw;   /* thaw: set to let a "thaw" probe out of its callback */
};

static BOOL start_probe(struct probe *probe, const char *program, UINT32 id, const char *mode)
{
    char ready_name[64], reacted_name[64], thaw_name[64], command[400], exe[MAX_PATH], *slash;
    STARTUPINFOA startup;

    memset(&startup, 0, sizeof(startup));
    startup.cb = sizeof(startup);
    sprintf(ready_name, "napagent-test-ready-%s-%#x-%lu", mode, id, GetCurrentProcessId());
    sprintf(reacted_name, "napagent-test-reacted-%s-%#x-%lu", mode, id, GetCurrentProcessId());
    sprintf(thaw_name, "napagent-test-thaw-%#x-%lu", id, GetCurrentProcessId());
    probe->ready = CreateEventA(NULL, TRUE, FALSE, ready_name);
    probe->reacted = CreateEventA(NULL, TRUE, FALSE, reacted_name);
    probe->thaw = CreateEventA(NULL, TRUE, FALSE, thaw_name);
    GetModuleFileNameA(NULL, exe, sizeof(exe));
    slash = strrchr(exe, '\\');
    strcpy(slash ? slash + 1 : exe, program);
    sprintf(command, "\"%s\" %#x %s %s %s %s", exe, id, mode, ready_name, reacted_name,
            strcmp(mode, "thaw") ? "" : thaw_name);
    if (!CreateProcessA(NULL, command, NULL, NULL, FALSE, 0, NULL, NULL, &startup, &probe->process))
        return FALSE;
    return WaitForSingleObject(probe->ready, 15000) == WAIT_OBJECT_0;
}

static void end_probe(struct probe *probe)
{
    TerminateProcess(probe->process.hProcess, 9);
    WaitForSingleObject(probe->process.hProcess, 5000);
    CloseHandle(probe->process.hProcess);
    CloseHandle(probe->process.hThread);
    CloseHandle(probe->ready);
    CloseHandle(probe->reacted);
    CloseHandle(probe->thaw);
}

static void register_ec(INapClientManagement *management, INapAgentDiagnostics *diagnostics, UINT32 id)
{
    static WCHAR name[] = L"fault test EC";
    HRESULT hr = register_enabled_ec(management, diagnostics, id, name);

    ok(hr == S_OK, "register and enable EC %#x: expected S_OK, got %#lx", id, hr);
}

/* Unregistering waits for the agent to have dropped a client whose process is gone. */
static void unregister_ec(INapClientManagement *management, UINT32 id)
{
    HRESULT hr;

    for (int tries = 0; tries < 100; tries++)
    {
        hr = INapClientManagement_UnregisterEnforcementClient(management, id);
        if (hr != NAP_E_STILL_BOUND)
            break;
        Sleep(100);
    }
    ok(hr == S_OK, "unregister EC %#x: expected S_OK, got %#lx", id, hr);
}

static void test_dead_client(INapSystemHealthAgentBinding *sha, INapEnforcementClientBinding *good)
{
    INapEnforcementClientBinding *rebind = NULL;
    struct probe probe;
    DWORD start, elapsed;
    BOOL hint;
    HRESULT hr = E_FAIL;

    ok(start_probe(&probe, "probe_ec_client.exe", DEAD_ID, "fail"), "the dying EC's process bound its id");
    INapSystemHealthAgentBinding_NotifySoHChange(sha);
    ok(WaitForSingleObject(probe.reacted, 5000) == WAIT_OBJECT_0, "the dying EC got the change and reported a failure");
    ok(WaitForSingleObject(ec_notified, 5000) == WAIT_OBJECT_0, "the good EC got the same change");
    ResetEvent(ec_notified);
    hr = INapEnforcementClientBinding_GetSoHRequest(good, &own_connection, &hint);
    ok(hr == S_OK, "the good EC applies it: got %#lx", hr);
    end_probe(&probe);

    /* Its retry is pending: when it fires, the transport error must unbind the dead client. */
    rebind = create_object(&CLSID_NapEnforcementClientBinding, CLSCTX_INPROC_SERVER, &IID_INapEnforcementClientBinding);
    start = GetTickCount();
    do
    {
        hr = INapEnforcementClientBinding_Initialize(rebind, DEAD_ID, &ec_callback);
        if (hr == HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED))
            Sleep(100);
        elapsed = GetTickCount() - start;
    } while (hr == HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED) && elapsed < 15000);
    diag("the killed EC's id was bindable again after %lu ms", elapsed);
    ok(hr == S_OK && elapsed < 5000, "the killed EC's id is bindable again within 5 s: %#lx after %lu ms", hr, elapsed);
    hr = INapEnforcementClientBinding_Uninitialize(rebind);
    ok(hr == S_OK, "and can be uninitialized: got %#lx", hr);
    INapEnforcementClientBinding_Release(rebind);
    hr = INapEnforcementClientBinding_NotifySoHChangeFailure(good);
    ok(hr == NAP_E_NOT_PENDING, "the good EC is still bound and unaffected: expected NAP_E_NOT_PENDING, got %#lx", hr);
}

static void test_frozen_client(INapSystemHealthAgentBinding *sha, INapEnforcementClientBinding *good)
{
    struct probe probe;
    DWORD start, elapsed;
    BOOL hint;
    HRESULT hr;

    ok(start_probe(&probe, "probe_ec_client.exe", FROZEN_ID, "freeze"), "the freezing EC's process bound its id");
    INapSystemHealthAgentBinding_NotifySoHChange(sha);
    ok(WaitForSingleObject(probe.reacted, 5000) == WAIT_OBJECT_0, "the freezing EC is stuck in NotifySoHChange");
    ok(WaitForSingleObject(ec_notified, 5000) == WAIT_OBJECT_0, "the good EC got the change");
    ResetEvent(ec_notified);
    INapEnforcementClientBinding_GetSoHRequest(good, &own_connection, &hint);

    /* A second change while the frozen call still hangs. */
    start = GetTickCount();
    hr = INapSystemHealthAgentBinding_NotifySoHChange(sha);
    ok(hr == S_OK, "the SHA's NotifySoHChange returns at once: got %#lx", hr);
    ok(WaitForSingleObject(ec_notified, 2000) == WAIT_OBJECT_0, "the good EC is notified within 2 s");
    elapsed = GetTickCount() - start;
    diag("notification of the good EC with another EC frozen: %lu ms", elapsed);
    ResetEvent(ec_notified);
    hr = INapEnforcementClientBinding_GetSoHRequest(good, &own_connection, &hint);
    ok(hr == S_OK, "and applies it: got %#lx", hr);
    end_probe(&probe);
}

/* Binds kind's id on a fresh binding, retrying while the agent still holds the dead client's
 * binding; returns how long that took (ms), or -1 if it never succeeded within 15 s. */
static long rebind_delay(BOOL ec, UINT32 id)
{
    DWORD start = GetTickCount(), took;
    HRESULT hr;

    while ((hr = initialize_once(ec, id, &took)) == HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED)
           && GetTickCount() - start < 15000)
        Sleep(100);
    return hr == S_OK ? (long)(GetTickCount() - start) : -1;
}

/* An EC that dies inside NotifySoHChange: the call fails with a transport error at once. */
static void test_client_dying_in_callback(INapSystemHealthAgentBinding *sha, INapEnforcementClientBinding *good)
{
    struct probe probe;
    long delay;
    BOOL hint;

    ok(start_probe(&probe, "probe_ec_client.exe", DYING_ID, "die"), "the dying EC's process bound its id");
    INapSystemHealthAgentBinding_NotifySoHChange(sha);
    ok(WaitForSingleObject(probe.reacted, 5000) == WAIT_OBJECT_0, "the dying EC got the change");
    ok(WaitForSingleObject(ec_notified, 5000) == WAIT_OBJECT_0, "the good EC got the same change");
    ResetEvent(ec_notified);
    INapEnforcementClientBinding_GetSoHRequest(good, &own_connection, &hint);
    delay = rebind_delay(TRUE, DYING_ID);
    diag("an EC that died inside NotifySoHChange: its id bindable again after %ld ms", delay);
    ok(delay >= 0 && delay < 5000, "its id is bindable again within 5 s: %ld ms", delay);
    end_probe(&probe);
}

/* A client killed between calls, nothing pending: no call of the agent's ever fails on it, and
 * under Wine COM never runs its objects down. The id must still be free for its restarted
 * process: an Initialize of a held id asks the holder whether it is alive first. */
static void test_killed_between_calls(INapClientManagement *management, BOOL ec, UINT32 id)
{
    const char *kind = ec ? "EC" : "SHA";
    static WCHAR name[] = L"fault test client";
    NapComponentRegistrationInfo info;
    struct probe probe;
    DWORD took;
    HRESULT hr;

    ok(start_probe(&probe, ec ? "probe_ec_client.exe" : "probe_sha_client.exe", id, "idle"),
       "the idle %s's process bound its id", kind);
    hr = initialize_once(ec, id, &took);
    ok(hr == HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED) && took < 2000,
       "while that %s lives its id stays its own: %#lx after %lu ms", kind, hr, took);
    end_probe(&probe);
    hr = initialize_once(ec, id, &took);
    diag("an %s killed between calls: the next Initialize of its id took %lu ms", kind, took);
    ok(hr == S_OK && took < 2000, "once it is killed, the first Initialize of its id binds: %#lx after %lu ms", hr,
       took);

    /* An administrator removing a client whose process died between calls. */
    ok(start_probe(&probe, ec ? "probe_ec_client.exe" : "probe_sha_client.exe", id, "idle"),
       "the idle %s's process bound its id again", kind);
    hr = ec ? INapClientManagement_UnregisterEnforcementClient(management, id)
            : INapClientManagement_UnregisterSystemHealthAgent(management, id);
    ok(hr == NAP_E_STILL_BOUND, "while it lives its id cannot be unregistered: %#lx", hr);
    end_probe(&probe);
    hr = ec ? INapClientManagement_UnregisterEnforcementClient(management, id)
            : INapClientManagement_UnregisterSystemHealthAgent(management, id);
    ok(hr == S_OK, "once it is killed, the first Unregister of its id succeeds: %#lx", hr);
    fill_registration(&info, id, name, ec ? ComponentTypeEnforcementClientSoH : 0);
    hr = ec ? INapClientManagement_RegisterEnforcementClient(management, &info)
            : INapClientManagement_RegisterSystemHealthAgent(management, &info);
    ok(hr == S_OK, "and it can be registered again: %#lx", hr);
}

/* SHAs dying or freezing inside the agent's GetSoHRequest. */
static void test_sha_faults(INapSystemHealthAgentBinding *sha, INapEnforcementClientBinding *good)
{
    struct probe dying, frozen;
    DWORD start, took;
    long delay;
    BOOL hint, arrived;

    ok(start_probe(&dying, "probe_sha_client.exe", DYING_SHA_ID, "die"), "the dying SHA's process bound its id");
    ok(WaitForSingleObject(dying.reacted, 5000) == WAIT_OBJECT_0, "the agent called the dying SHA's GetSoHRequest");
    delay = rebind_delay(FALSE, DYING_SHA_ID);
    diag("an SHA that died inside GetSoHRequest: its id bindable again after %ld ms", delay);
    ok(delay >= 0 && delay < 5000, "the dead SHA's id is bindable again within 5 s: %ld ms", delay);
    end_probe(&dying);

    ok(start_probe(&frozen, "probe_sha_client.exe", FROZEN_SHA_ID, "freeze"), "the freezing SHA's process bound its id");
    ok(WaitForSingleObject(frozen.reacted, 5000) == WAIT_OBJECT_0, "the freezing SHA is stuck in GetSoHRequest");
    ResetEvent(ec_notified);
    start = GetTickCount();
    INapSystemHealthAgentBinding_NotifySoHChange(sha);
    arrived = WaitForSingleObject(ec_notified, 2000) == WAIT_OBJECT_0;
    took = GetTickCount() - start;
    ok(arrived, "another SHA's change still reaches the good EC within 2 s (took %lu ms)", took);
    ResetEvent(ec_notified);
    INapEnforcementClientBinding_GetSoHRequest(good, &own_connection, &hint);
    end_probe(&frozen);
    delay = rebind_delay(FALSE, FROZEN_SHA_ID);
    diag("an SHA killed while frozen in GetSoHRequest: its id bindable again after %ld ms", delay);
    ok(delay >= 0 && delay < 5000, "the killed frozen SHA's id is bindable again within 5 s: %ld ms", delay);
}

/* Whether the service log has `text` (the log is shared for reading while the service writes). */
static BOOL service_log_has(const char *text)
{
    static char buffer[1 << 20];
    HANDLE file = CreateFileA("C:\\ProgramData\\napagent\\napagent.log", GENERIC_READ,
                              FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER size, from;
    DWORD got = 0;

    if (file == INVALID_HANDLE_VALUE)
        return FALSE;
    /* The end of the log is enough: what is looked for was just written. */
    GetFileSizeEx(file, &size);
    from.QuadPart = size.QuadPart > (LONGLONG)sizeof(buffer) - 1 ? size.QuadPart - (LONGLONG)sizeof(buffer) + 1 : 0;
    SetFilePointerEx(file, from, NULL, FILE_BEGIN);
    ReadFile(file, buffer, sizeof(buffer) - 1, &got, NULL);
    CloseHandle(file);
    buffer[got] = 0;
    return strstr(buffer, text) != NULL;
}

/* Whether hr is what a client may get once the agent is stopped: the documented
 * RPC_E_DISCONNECTED (the stopped agent answered), or a transport error (its process was gone). */
static BOOL stopped_agent_answer(HRESULT hr)
{
    return hr == RPC_E_DISCONNECTED || hr == HRESULT_FROM_WIN32(RPC_S_SERVER_UNAVAILABLE)
           || hr == HRESULT_FROM_WIN32(RPC_S_CALL_FAILED) || hr == RPC_E_SERVER_DIED || hr == RPC_E_SERVER_DIED_DNE;
}

/* net stop while an EC is frozen inside NotifySoHChange and an SHA inside GetSoHRequest: the
 * stop names them in the service log, advances its checkpoint all along, and reaches STOPPED
 * within the wait hint it reports, the clients still frozen. When they are let out of their
 * callbacks, their next call into the agent gets a stopped agent's answer at once. */
static void test_stop_with_frozen_clients(void)
{
    static WCHAR sha_name[] = L"fault test SHA";
    INapClientManagement *management;
    INapAgentDiagnostics *diagnostics;
    INapEnforcementClientBinding *good;
    INapSystemHealthAgentBinding *sha;
    NapComponentRegistrationInfo info;
    SC_HANDLE service;
    SERVICE_STATUS status = {0};
    struct probe frozen_ec, frozen_sha;
    DWORD start, took = 0, wait_hint = 0, checkpoints = 0, last_checkpoint = 0, last_change, longest_gap = 0;
    DWORD ec_code = 0, sha_code = 0, thawed;
    char wanted[64];
    BOOL named, gave_up;
    HRESULT hr;

    if (!create_client_objects(&management, &diagnostics, &good, &sha))
        tap_bail("cannot reach napagent");
    register_ec(management, diagnostics, STOP_FROZEN_ID);
    fill_registration(&info, SHA_ID, sha_name, 0);
    INapClientManagement_RegisterSystemHealthAgent(management, &info);
    fill_registration(&info, STOP_FROZEN_SHA_ID, sha_name, 0);
    INapClientManagement_RegisterSystemHealthAgent(management, &info);
    hr = INapSystemHealthAgentBinding_Initialize(sha, SHA_ID, &sha_callback);
    ok(hr == S_OK, "the SHA binds again: got %#lx", hr);
    ok(start_probe(&frozen_ec, "probe_ec_client.exe", STOP_FROZEN_ID, "thaw"), "the freezing EC's process bound its id");
    ok(start_probe(&frozen_sha, "probe_sha_client.exe", STOP_FROZEN_SHA_ID, "thaw"),
       "the freezing SHA's process bound its id");
    INapSystemHealthAgentBinding_NotifySoHChange(sha);
    ok(WaitForSingleObject(frozen_ec.reacted, 5000) == WAIT_OBJECT_0, "the freezing EC is stuck in NotifySoHChange");
    ok(WaitForSingleObject(frozen_sha.reacted, 5000) == WAIT_OBJECT_0, "the freezing SHA is stuck in GetSoHRequest");
    release_client_objects(management, diagnostics, good, sha);

    service = open_napagent(SERVICE_STOP | SERVICE_QUERY_STATUS);
    ok(service && ControlService(service, SERVICE_CONTROL_STOP, &status), "STOP accepted with two clients frozen");
    start = last_change = GetTickCount();
    while (QueryServiceStatus(service, &status) && status.dwCurrentState != SERVICE_STOPPED
           && GetTickCount() - start < 20000)
    {
        if (status.dwCurrentState == SERVICE_STOP_PENDING && status.dwWaitHint > wait_hint)
            wait_hint = status.dwWaitHint;
        if (status.dwCheckPoint != last_checkpoint)
        {
            longest_gap = max(longest_gap, GetTickCount() - last_change);
            last_change = GetTickCount();
            last_checkpoint = status.dwCheckPoint;
            ++checkpoints;
        }
        Sleep(20);
    }
    took = GetTickCount() - start;
    ok(status.dwCurrentState == SERVICE_STOPPED && wait_hint && took <= wait_hint,
       "with an EC and an SHA frozen in their callbacks the service stops within the wait hint it reports: state "
       "%lu after %lu ms, wait hint %lu ms", status.dwCurrentState, took, wait_hint);
    ok(checkpoints >= 4 && longest_gap < 2000,
       "the checkpoint advanced all along: %lu changes, at most %lu ms apart", checkpoints, longest_gap);
    snprintf(wanted, sizeof(wanted), "stop still waiting for: EC %#x", STOP_FROZEN_ID);
    named = service_log_has(wanted);
    gave_up = service_log_has("calls into clients still running after");
    ok(named && gave_up, "the service log names the frozen EC (%s) and says the stop went on without it (%s)",
       named ? "named" : "not named", gave_up ? "said" : "not said");

    /* Out of their callbacks, each calls the agent once more and exits with the answer. */
    thawed = GetTickCount();
    SetEvent(frozen_ec.thaw);
    SetEvent(frozen_sha.thaw);
    ok(WaitForSingleObject(frozen_ec.process.hProcess, 10000) == WAIT_OBJECT_0
           && WaitForSingleObject(frozen_sha.process.hProcess, 10000) == WAIT_OBJECT_0,
       "both clients came out of their callbacks and finished their next call in %lu ms", GetTickCount() - thawed);
    GetExitCodeProcess(frozen_ec.process.hProcess, &ec_code);
    GetExitCodeProcess(frozen_sha.process.hProcess, &sha_code);
    ok(stopped_agent_answer(ec_code) && stopped_agent_answer(sha_code),
       "their next calls got a stopped agent's answer: EC %#lx, SHA %#lx", ec_code, sha_code);
    end_probe(&frozen_ec);
    end_probe(&frozen_sha);
    if (service)
        CloseServiceHandle(service);

    ok(service_start_and_wait(), "the service starts again");
    management = create_object(&CLSID_NapClientManagement, CLSCTX_INPROC_SERVER, &IID_INapClientManagement);
    if (!management)
        tap_bail("cannot reach the restarted napagent");
    unregister_ec(management, STOP_FROZEN_ID);
    hr = INapClientManagement_UnregisterSystemHealthAgent(management, STOP_FROZEN_SHA_ID);
    ok(hr == S_OK, "unregister the frozen SHA again: got %#lx", hr);
    hr = INapClientManagement_UnregisterSystemHealthAgent(management, SHA_ID);
    ok(hr == S_OK, "unregister the SHA again: got %#lx", hr);
    INapClientManagement_Release(management);
}

int main(void)
{
    INapClientManagement *management = NULL;
    INapAgentDiagnostics *diagnostics = NULL;
    INapEnforcementClientBinding *good = NULL;
    INapSystemHealthAgentBinding *sha = NULL;
    static WCHAR sha_name[] = L"fault test SHA";
    NapComponentRegistrationInfo info;
    HRESULT hr;
    sha_callback_id = SHA_ID;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    ec_notified = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!create_client_objects(&management, &diagnostics, &good, &sha))
        tap_bail("cannot reach napagent");

    register_ec(management, diagnostics, DEAD_ID);
    register_ec(management, diagnostics, FROZEN_ID);
    register_ec(management, diagnostics, GOOD_ID);
    fill_registration(&info, SHA_ID, sha_name, 0);
    hr = INapClientManagement_RegisterSystemHealthAgent(management, &info);
    ok(hr == S_OK, "register the SHA: got %#lx", hr);
    hr = INapEnforcementClientBinding_Initialize(good, GOOD_ID, &ec_callback);
    ok(hr == S_OK, "the good EC binds: got %#lx", hr);
    hr = INapSystemHealthAgentBinding_Initialize(sha, SHA_ID, &sha_callback);
    ok(hr == S_OK, "the SHA binds: got %#lx", hr);

    test_dead_client(sha, good);
    test_frozen_client(sha, good);
    register_ec(management, diagnostics, DYING_ID);
    test_client_dying_in_callback(sha, good);
    fill_registration(&info, DYING_SHA_ID, sha_name, 0);
    INapClientManagement_RegisterSystemHealthAgent(management, &info);
    fill_registration(&info, FROZEN_SHA_ID, sha_name, 0);
    INapClientManagement_RegisterSystemHealthAgent(management, &info);
    test_sha_faults(sha, good);
    register_ec(management, diagnostics, IDLE_ID);
    test_killed_between_calls(management, TRUE, IDLE_ID);
    fill_registration(&info, IDLE_SHA_ID, sha_name, 0);
    INapClientManagement_RegisterSystemHealthAgent(management, &info);
    test_killed_between_calls(management, FALSE, IDLE_SHA_ID);

    INapEnforcementClientBinding_Uninitialize(good);
    INapSystemHealthAgentBinding_Uninitialize(sha);
    unregister_ec(management, DEAD_ID);
    unregister_ec(management, FROZEN_ID);
    unregister_ec(management, GOOD_ID);
    unregister_ec(management, DYING_ID);
    INapClientManagement_UnregisterSystemHealthAgent(management, DYING_SHA_ID);
    INapClientManagement_UnregisterSystemHealthAgent(management, FROZEN_SHA_ID);
    unregister_ec(management, IDLE_ID);
    INapClientManagement_UnregisterSystemHealthAgent(management, IDLE_SHA_ID);
    hr = INapClientManagement_UnregisterSystemHealthAgent(management, SHA_ID);
    ok(hr == S_OK, "unregister the SHA: got %#lx", hr);
    release_client_objects(management, diagnostics, good, sha);
    test_stop_with_frozen_clients();
    CoUninitialize();
    return tap_done();
}
