/* One enforcement client of the soak (t_soak): binds ID and plays every health change the same
 * way, so that the notifications it must get are exactly known: the first notification of a
 * change is answered with NotifySoHChangeFailure, the agent's retry with GetSoHRequest on its
 * connection (the change applied). After each applied change it releases the driver's semaphore;
 * every REBIND changes it unbinds and binds again (a new binding object, a new connection).
 *   probe_soak_ec.exe ID REBIND APPLIED_SEMAPHORE STOP_EVENT DRIVER_PID
 * Exit 0 when, at the stop, it got exactly two notifications per applied change and no other;
 * exit 3 when the driver went away without a stop. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <napagentclasses.h>
#include <napenforcementclient.h>
#include "test_clients.h"

struct bound
{
    INapEnforcementClientBinding *binding;
    INapEnforcementClientConnection *connection;
};

static HRESULT bind_ec(UINT32 id, struct bound *b)
{
    HRESULT hr = CoCreateInstance(&CLSID_NapEnforcementClientBinding, NULL, CLSCTX_INPROC_SERVER,
                                  &IID_INapEnforcementClientBinding, (void **)&b->binding);

    if (SUCCEEDED(hr))
        hr = INapEnforcementClientBinding_Initialize(b->binding, id, &ec_callback);
    if (SUCCEEDED(hr))
        hr = INapEnforcementClientBinding_CreateConnection(b->binding, &b->connection);
    return hr;
}

static HRESULT unbind_ec(struct bound *b)
{
    HRESULT hr = S_OK;

    if (b->connection)
    {
        INapEnforcementClientBinding_NotifyConnectionStateDown(b->binding, b->connection);
        INapEnforcementClientConnection_Release(b->connection);
    }
    if (b->binding)
    {
        hr = INapEnforcementClientBinding_Uninitialize(b->binding);
        INapEnforcementClientBinding_Release(b->binding);
    }
    b->binding = NULL;
    b->connection = NULL;
    return hr;
}

int main(int argc, char **argv)
{
    struct bound b = {NULL, NULL};
    HANDLE applied, stop, driver, waits[3];
    DWORD which;
    UINT32 id;
    unsigned rebind, changes = 0, rebinds = 0, unexpected = 0;
    BOOL hint, failed_once = FALSE;
    HRESULT hr;

    if (argc != 6)
    {
        fprintf(stderr, "usage: probe_soak_ec ID REBIND APPLIED_SEMAPHORE STOP_EVENT DRIVER_PID\n");
        return 2;
    }
    id = (UINT32)strtoul(argv[1], NULL, 0);
    rebind = (unsigned)strtoul(argv[2], NULL, 0);
    applied = OpenSemaphoreA(SEMAPHORE_MODIFY_STATE, FALSE, argv[3]);
    stop = OpenEventA(SYNCHRONIZE, FALSE, argv[4]);
    driver = OpenProcess(SYNCHRONIZE, FALSE, (DWORD)strtoul(argv[5], NULL, 0));
    ec_notified = CreateEventW(NULL, FALSE, FALSE, NULL);   /* auto-reset: one wake per notification */
    waits[0] = stop, waits[1] = ec_notified, waits[2] = driver;
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (!applied || !stop || !driver || FAILED(hr = bind_ec(id, &b)))
    {
        printf("# EC %#x: cannot start\n", id);
        return 2;
    }
    ReleaseSemaphore(applied, 1, NULL);   /* bound: ready for the first change */
    while ((which = WaitForMultipleObjects(3, waits, FALSE, INFINITE)) == WAIT_OBJECT_0 + 1)
    {
        if (!failed_once)
        {
            hr = INapEnforcementClientBinding_NotifySoHChangeFailure(b.binding);
            if (FAILED(hr))
                ++unexpected, printf("# EC %#x: NotifySoHChangeFailure %#lx\n", id, hr);
            failed_once = TRUE;
            continue;
        }
        hr = INapEnforcementClientBinding_GetSoHRequest(b.binding, b.connection, &hint);
        if (FAILED(hr))
            ++unexpected, printf("# EC %#x: GetSoHRequest %#lx\n", id, hr);
        failed_once = FALSE;
        ++changes;
        if (rebind && changes % rebind == 0)
        {
            if (FAILED(hr = unbind_ec(&b)) || FAILED(hr = bind_ec(id, &b)))
                ++unexpected, printf("# EC %#x: rebind %#lx\n", id, hr);
            ++rebinds;
        }
        ReleaseSemaphore(applied, 1, NULL);
    }
    unbind_ec(&b);
    CoUninitialize();
    printf("# EC %#x: %u changes applied, %ld notifications, %u rebinds, %u unexpected\n", id, changes,
           ec_notifications, rebinds, unexpected);
    if (which == WAIT_OBJECT_0 + 2)
        return 3;
    return ec_notifications == 2 * (LONG)changes && !failed_once && !unexpected ? 0 : 1;
}
