/* A chaos client (probe_chaos.exe, its own process) calls random NAP methods with random, mostly
 * invalid arguments while this process runs the well-behaved flow over and over: the service must
 * answer every chaos call with a documented HRESULT, stay up, and keep serving the good client,
 * whose every exchange must come out right. NAPAGENT_CHAOS_CALLS and NAPAGENT_SEED change the run. */
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
#include "test_soh.h"

#define EC_ID 0x78100001u
#define SHA_ID 0x78100101u

static HANDLE start_chaos(unsigned calls, unsigned long long seed)
{
    char args[64];

    snprintf(args, sizeof(args), "%u %llu", calls, seed);
    return start_helper("probe_chaos.exe", args);
}

/* The request now on the connection carries our SHA's SoH of version `version`. */
static BOOL request_has_version(INapEnforcementClientConnection *connection, LONG version, CorrelationId *id)
{
    static struct soh_message m;
    static BYTE copy[maxNetworkSoHSize];
    NetworkSoH *request = NULL;
    const struct soh_report *report;
    BOOL found = FALSE;

    if (FAILED(INapEnforcementClientConnection_GetSoHRequest(connection, &request)) || !request)
        return FALSE;
    memcpy(copy, request->data, request->size);
    if (soh_request_decode(copy, request->size, &m) == SOH_OK && (report = find_report(&m, SHA_ID))
        && report->count == 2 && report->attributes[1].size == 8)
        found = (LONG)soh_get_u32(report->attributes[1].value + 4) == version;
    CoTaskMemFree(request->data);
    CoTaskMemFree(request);
    INapEnforcementClientConnection_GetCorrelationId(connection, id);
    return found;
}

/* One good exchange: the SHA changes, the EC is notified, its request carries the new SoH, the
 * server's answer is accepted and says full access. */
static BOOL good_exchange(INapSystemHealthAgentBinding *sha, INapEnforcementClientBinding *ec,
                          INapEnforcementClientConnection *connection, LONG version)
{
    BYTE bytes[maxNetworkSoHSize];
    NetworkSoH response = {0, bytes};
    CorrelationId id;
    IsolationInfo *info = NULL;
    BOOL hint, full = FALSE;
    LONG asked = sha_soh_requests;

    if (FAILED(INapSystemHealthAgentBinding_NotifySoHChange(sha)) || !wait_sha_count(&sha_soh_requests, asked + 1, 10000))
        return FALSE;
    /* Chaos SHAs raise changes too: a notification may come before ours; take them until the
     * request carries our new SoH. */
    for (int attempt = 0; attempt < 20; ++attempt)
    {
        if (wait_ec_notification(10000) < 0)
            return FALSE;
        if (FAILED(INapEnforcementClientBinding_GetSoHRequest(ec, connection, &hint)))
            return FALSE;
        if (request_has_version(connection, version, &id))
            break;
        if (attempt == 19)
            return FALSE;
    }
    response.size = make_test_response(&id, isolationStateNotRestricted, "", NULL, 0, bytes, sizeof(bytes));
    if (FAILED(INapEnforcementClientConnection_SetSoHResponse(connection, &response))
        || FAILED(INapEnforcementClientBinding_ProcessSoHResponse(ec, connection))
        || FAILED(INapEnforcementClientConnection_GetIsolationInfo(connection, &info)) || !info)
        return FALSE;
    full = info->isolationState == isolationStateNotRestricted;
    CoTaskMemFree(info->failureUrl.string);
    CoTaskMemFree(info);
    return full;
}

int main(void)
{
    INapEnforcementClientBinding *ec = NULL;
    INapSystemHealthAgentBinding *sha = NULL;
    INapClientManagement *management = NULL;
    INapAgentDiagnostics *diagnostics = NULL;
    INapEnforcementClientConnection *connection = NULL;
    NapComponentRegistrationInfo info, *infos = NULL;
    WCHAR ec_name[] = L"chaos test good EC", sha_name[] = L"chaos test good SHA";
    const char *calls_env = getenv("NAPAGENT_CHAOS_CALLS"), *seed_env = getenv("NAPAGENT_SEED");
    unsigned calls = calls_env ? (unsigned)strtoul(calls_env, NULL, 10) : 3000;
    unsigned long long seed = seed_env ? strtoull(seed_env, NULL, 0) : 20261125;
    unsigned good = 0, bad = 0, leftovers = 0;
    EnforcementEntityCount count = 0;
    DWORD chaos_code = 99, start;
    HANDLE chaos;
    LONG version;
    HRESULT hr;

    sha_callback_id = SHA_ID;
    sha_event = CreateEventW(NULL, FALSE, FALSE, NULL);
    ec_notified = CreateEventW(NULL, TRUE, FALSE, NULL);
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (!create_client_objects(&management, &diagnostics, &ec, &sha))
        tap_bail("cannot create the objects");
    hr = register_enabled_ec(management, diagnostics, EC_ID, ec_name);
    ok(hr == S_OK, "register and enable the good EC: got %#lx", hr);
    fill_registration(&info, SHA_ID, sha_name, 0);
    hr = INapClientManagement_RegisterSystemHealthAgent(management, &info);
    ok(hr == S_OK, "register the good SHA: got %#lx", hr);
    hr = INapEnforcementClientBinding_Initialize(ec, EC_ID, &ec_callback);
    if (SUCCEEDED(hr))
        hr = INapSystemHealthAgentBinding_Initialize(sha, SHA_ID, &sha_callback);
    if (SUCCEEDED(hr))
        hr = INapEnforcementClientBinding_CreateConnection(ec, &connection);
    ok(hr == S_OK && connection, "the good EC and SHA bound, a connection: got %#lx", hr);
    if (!connection)
        tap_bail("no good client");

    diag("chaos: %u calls, seed %llu", calls, seed);
    chaos = start_chaos(calls, seed);
    ok(chaos != NULL, "chaos client started");
    start = GetTickCount();
    /* The SoH versions our SHA gives count up from its first answer on. */
    for (version = 1; chaos && WaitForSingleObject(chaos, 0) == WAIT_TIMEOUT; ++version)
    {
        if (good_exchange(sha, ec, connection, version))
            ++good;
        else if (++bad <= 3)
            diag("good exchange %ld failed", version);
        if (GetTickCount() - start > 240000)
            break;
    }
    if (chaos)
    {
        WaitForSingleObject(chaos, 240000);
        GetExitCodeProcess(chaos, &chaos_code);
    }
    ok(chaos_code == 0, "every chaos call got a documented answer (exit %lu; the probe lists any other)", chaos_code);
    ok(good >= 3 && bad == 0, "the good client's exchanges alongside: %u right, %u wrong", good, bad);
    hr = INapAgentDiagnostics_Ping(diagnostics);
    ok(hr == S_OK, "the service still answers: Ping %#lx", hr);
    ok(good_exchange(sha, ec, connection, version), "and serves the good client after the chaos");
    hr = INapClientManagement_GetRegisteredEnforcementClients(management, &count, &infos);
    for (UINT16 i = 0; SUCCEEDED(hr) && i < count; ++i)
    {
        leftovers += (infos[i].id & 0xFFFFFF00u) == 0x78000000u;
        CoTaskMemFree(infos[i].friendlyName.string);
        CoTaskMemFree(infos[i].description.string);
        CoTaskMemFree(infos[i].version.string);
        CoTaskMemFree(infos[i].vendorName.string);
    }
    CoTaskMemFree(infos);
    ok(hr == S_OK && !leftovers, "the chaos client's registrations are gone with it: %u left", leftovers);

    INapEnforcementClientBinding_NotifyConnectionStateDown(ec, connection);
    INapEnforcementClientConnection_Release(connection);
    hr = INapSystemHealthAgentBinding_Uninitialize(sha);
    ok(hr == S_OK, "good SHA Uninitialize: got %#lx", hr);
    hr = INapEnforcementClientBinding_Uninitialize(ec);
    ok(hr == S_OK, "good EC Uninitialize: got %#lx", hr);
    INapClientManagement_UnregisterSystemHealthAgent(management, SHA_ID);
    INapClientManagement_UnregisterEnforcementClient(management, EC_ID);
    release_client_objects(management, diagnostics, ec, sha);
    CoUninitialize();
    return tap_done();
}
