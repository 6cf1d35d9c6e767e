/* The adapter's handle for a bound client (see client_handle.h).
 * It holds a reference on the binding object while bound, so the object cannot be destroyed
 * under the core's feet; that reference is dropped on a thread-pool thread, never on the core's
 * worker, because dropping the last one destroys the core binding, which waits for the worker. */
#include "client_handle.h"
#include "napagent.h"
#include "ec_connection.h"
#include "caller_access.h"

static LONG pending_work;
static HANDLE work_done;

struct client_handle *client_handle_create(UINT32 id, IUnknown *callback, IUnknown *binding, LONG connection_owner)
{
    struct client_handle *client = HeapAlloc(GetProcessHeap(), 0, sizeof(*client));

    if (!client)
        return NULL;
    client->id = id;
    client->callback = callback;
    client->binding = binding;
    client->connection_owner = connection_owner;
    IUnknown_AddRef(callback);
    IUnknown_AddRef(binding);
    return client;
}

void client_handle_free(struct client_handle *client)
{
    IUnknown_Release(client->callback);
    /* Initialize was refused: the binding is alive in its caller, this was not the last ref. */
    IUnknown_Release(client->binding);
    HeapFree(GetProcessHeap(), 0, client);
}

struct binding_drop
{
    IUnknown *binding;
    BOOL disconnect;
    LONG connection_owner;
};

static void CALLBACK drop_binding(PTP_CALLBACK_INSTANCE instance, void *context)
{
    struct binding_drop *drop = context;

    (void)instance;
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    /* The dead client's stub references would otherwise keep the object forever. */
    if (drop->disconnect)
    {
        CoDisconnectObject(drop->binding, 0);
        if (drop->connection_owner)
            ec_connection_disconnect_owner(drop->connection_owner);
    }
    IUnknown_Release(drop->binding);
    CoUninitialize();
    HeapFree(GetProcessHeap(), 0, drop);
    if (!InterlockedDecrement(&pending_work) && work_done)
        SetEvent(work_done);
}

void client_handle_release(struct client_handle *client, int died)
{
    struct binding_drop *drop = HeapAlloc(GetProcessHeap(), 0, sizeof(*drop));

    IUnknown_Release(client->callback);
    if (drop)
    {
        drop->binding = client->binding;
        drop->disconnect = died;
        drop->connection_owner = client->connection_owner;
        InterlockedIncrement(&pending_work);
        if (TrySubmitThreadpoolCallback(drop_binding, drop, NULL))
            drop = NULL;
        else
            InterlockedDecrement(&pending_work);
    }
    /* No thread could take it: keep the object rather than risk a deadlock here. */
    if (drop)
        HeapFree(GetProcessHeap(), 0, drop);
    HeapFree(GetProcessHeap(), 0, client);
}

void client_handles_drain(DWORD limit_ms)
{
    DWORD start = GetTickCount(), reported = 0;

    if (!work_done)
        work_done = CreateEventW(NULL, TRUE, FALSE, NULL);
    while (pending_work > 0)
    {
        if (GetTickCount() - start >= limit_ms)
        {
            service_log("stop: %ld binding objects still being released after %lu ms: the stop goes on", pending_work,
                        GetTickCount() - start);
            return;
        }
        ResetEvent(work_done);
        if (pending_work > 0)
            WaitForSingleObject(work_done, 100);
        if (GetTickCount() - start >= reported + 2000)
        {
            reported += 2000;
            service_log("stop still waiting for %ld binding objects to be released (%lu ms)", pending_work,
                        GetTickCount() - start);
        }
    }
}

HRESULT client_handle_bind(struct agent_binding *core, enum nap_component_kind kind, UINT32 id, IUnknown *callback,
                           IUnknown *binding, LONG connection_owner, struct nap_identity *owner)
{
    struct client_handle *client;
    struct agent_caller caller;
    nap_result result;
    HRESULT hr;

    if (!callback)
        return E_POINTER;
    if (FAILED(hr = caller_identify(&caller)))
    {
        caller_access_report_denied(&caller, L"Initialize", kind, id);
        return hr;
    }
    client = client_handle_create(id, callback, binding, connection_owner);
    if (!client)
        return E_OUTOFMEMORY;
    result = agent_binding_initialize(core, id, client, &caller, owner);
    if (result == NAP_RESULT_ACCESS_DENIED)
        caller_access_report_denied(&caller, L"Initialize", kind, id);
    if (nap_failed(result))
        client_handle_free(client);
    return result;
}
