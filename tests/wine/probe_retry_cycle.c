/* Helper of tests/wine/napctl_state.t (not a test itself): an enforcement client and a system
 * health agent in one process, driven line by line from stdin so the script can look at napctl's
 * view of each step of a retry cycle.
 *   probe_retry_cycle ID     registers EC ID (named by EC_NAME below) and SHA ID + 1, enables
 *                            the EC, binds both, prints "ready"; then reads commands:
 *     raise    the SHA calls NotifySoHChange (every bound EC gets the change)
 *     apply    the EC calls GetSoHRequest: the pending change is applied
 *     quit     uninitialize and unregister both, print "done", exit
 * Each NotifySoHChange the EC gets is answered with NotifySoHChangeFailure (the EC "could not act
 * on it", so the agent schedules a retry) and printed as "notified N". Every answer of the agent
 * is printed as "STEP: 0xHRESULT". Exit 0 when every step succeeded, 1 otherwise. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <napagentclasses.h>
#include <napenforcementclient.h>
#include <napmanagement.h>
#include <napsystemhealthagent.h>
#include "test_clients.h"

/* A quote, a backslash and a non-ASCII letter: the JSON output must escape all three. */
#define EC_NAME L"Retry Probe \"Contoso\" \\ VPN \x00e9"

static INapEnforcementClientBinding *ec;
static LONG notifications;
static BOOL failed;

static void step(const char *what, HRESULT hr)
{
    printf("%s: 0x%08lx\n", what, (unsigned long)hr);
    fflush(stdout);
    if (FAILED(hr))
        failed = TRUE;
}

static HRESULT WINAPI callback_NotifySoHChange(INapEnforcementClientCallback *iface)
{
    LONG n = InterlockedIncrement(&notifications);

    (void)iface;
    /* The answer first, then the line: once the script reads it, the agent knows of the failure. */
    INapEnforcementClientBinding_NotifySoHChangeFailure(ec);
    printf("notified %ld\n", n);
    fflush(stdout);
    return S_OK;
}

static const INapEnforcementClientCallbackVtbl callback_vtbl = {
    ec_callback_QueryInterface, (void *)static_object_AddRef, (void *)static_object_Release,
    callback_NotifySoHChange, (void *)not_implemented,
};
static INapEnforcementClientCallback callback = {&callback_vtbl};

int main(int argc, char **argv)
{
    INapClientManagement *management;
    INapAgentDiagnostics *diagnostics;
    INapSystemHealthAgentBinding *sha;
    NapComponentRegistrationInfo info;
    static WCHAR ec_name[] = EC_NAME, sha_name[] = L"Retry Probe SHA";
    char line[64];
    UINT32 id;
    BOOL hint;

    if (argc != 2)
    {
        fprintf(stderr, "usage: probe_retry_cycle ID\n");
        return 2;
    }
    (void)ec_callback; /* test_clients.h's EC answers at once; this one fails its notifications */
    id = strtoul(argv[1], NULL, 0);
    /* The SHA's SoHs carry its id and a new version each time: every raise is a real change. */
    sha_callback_id = id + 1;
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (!create_client_objects(&management, &diagnostics, &ec, &sha))
    {
        printf("activation failed\n");
        return 1;
    }
    /* What a failed earlier run may have left. */
    INapClientManagement_UnregisterEnforcementClient(management, id);
    INapClientManagement_UnregisterSystemHealthAgent(management, id + 1);

    step("register EC", register_enabled_ec(management, diagnostics, id, ec_name));
    fill_registration(&info, id + 1, sha_name, 0);
    step("register SHA", INapClientManagement_RegisterSystemHealthAgent(management, &info));
    step("initialize EC", INapEnforcementClientBinding_Initialize(ec, id, &callback));
    step("initialize SHA", INapSystemHealthAgentBinding_Initialize(sha, id + 1, &sha_callback));
    printf("ready\n");
    fflush(stdout);

    while (fgets(line, sizeof(line), stdin))
    {
        line[strcspn(line, "\r\n")] = 0;
        if (!strcmp(line, "raise"))
            step("raise", INapSystemHealthAgentBinding_NotifySoHChange(sha));
        else if (!strcmp(line, "apply"))
            step("apply", INapEnforcementClientBinding_GetSoHRequest(ec, &own_connection, &hint));
        else if (!strcmp(line, "quit"))
            break;
        else
            printf("unknown command '%s'\n", line);
        fflush(stdout);
    }
    step("uninitialize EC", INapEnforcementClientBinding_Uninitialize(ec));
    step("uninitialize SHA", INapSystemHealthAgentBinding_Uninitialize(sha));
    step("unregister EC", INapClientManagement_UnregisterEnforcementClient(management, id));
    step("unregister SHA", INapClientManagement_UnregisterSystemHealthAgent(management, id + 1));
    release_client_objects(management, diagnostics, ec, sha);
    printf("done\n");
    fflush(stdout);
    CoUninitialize();
    return failed ? 1 : 0;
}
