/* The COM local server: the same code behind the SCM and behind --console. */
#include "napagent.h"
#include "interface_pins.h"
#include "inproc_factory.h"
#include "event_log.h"
#include "events.h"
#include "com_security.h"
#include <stdio.h>

static DWORD class_cookies[8];
static BOOL com_ready;

static HRESULT init_security(void)
{
    SECURITY_DESCRIPTOR *sd;
    HRESULT hr = com_security_policy(&sd);

    if (FAILED(hr))
        return hr;
    /* Privacy-level packets; clients may only identify us, never impersonate or delegate;
     * no activate-as-activator, no custom marshalers from clients. */
    return CoInitializeSecurity(sd, -1, NULL, NULL, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, RPC_C_IMP_LEVEL_IDENTIFY, NULL,
                                EOAC_DISABLE_AAA | EOAC_NO_CUSTOM_MARSHAL, NULL);
}

static HRESULT register_class_objects(void)
{
    for (int i = 0; served_classes[i].clsid; i++)
    {
        IClassFactory *factory;
        HRESULT hr;

        if (i >= (int)ARRAYSIZE(class_cookies))
            return E_UNEXPECTED;
        hr = inproc_factory_create(served_class_create, served_classes[i].clsid, &IID_IClassFactory,
                                   (void **)&factory);

        if (FAILED(hr))
            return hr;
        /* Suspended until every class is registered; Wine ignores the flag (see
         * docs/architecture.md), which is why this runs only once the agent is ready. */
        hr = CoRegisterClassObject(served_classes[i].clsid, (IUnknown *)factory, CLSCTX_LOCAL_SERVER,
                                   REGCLS_MULTIPLEUSE | REGCLS_SUSPENDED, &class_cookies[i]);
        IClassFactory_Release(factory);
        if (FAILED(hr))
            return hr;
    }
    return CoResumeClassObjects();
}

static void revoke_class_objects(void)
{
    for (int i = 0; served_classes[i].clsid; i++)
    {
        if (class_cookies[i])
            CoRevokeClassObject(class_cookies[i]);
        class_cookies[i] = 0;
    }
}

/* A start step failed: the service log says it, and so does Event Viewer (event 101). */
static HRESULT start_failed(const WCHAR *step, HRESULT hr)
{
    WCHAR code[16];
    const WCHAR *strings[2] = {step, code};

    _snwprintf(code, ARRAYSIZE(code), L"0x%08lx", (unsigned long)hr);
    service_log("%ls failed: %#lx", step, (unsigned long)hr);
    event_log_report(EVENTLOG_ERROR_TYPE, NAPAGENT_EVENT_SERVICE_FAILED, 2, strings);
    return hr;
}

/* The stop may give up on COM's shutdown: the last CoUninitialize unregisters every served
 * interface, waiting for its calls, and Wine's rpcrt4 can miss the end of a call that finishes
 * just as that wait begins (RpcServerUnregisterIf creates its event after the call saw no one
 * waiting). A client calling all along left the service STOP_PENDING forever that way. So the
 * last CoUninitialize runs on a thread of its own (the MTA ends with its last thread), and the
 * stop waits for it a bounded time (COM_SHUTDOWN_LIMIT_MS, napagent.h). */

struct com_shutdown
{
    HANDLE joined, go;
};

static DWORD WINAPI com_shutdown_thread(void *arg)
{
    struct com_shutdown *shutdown = arg;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    SetEvent(shutdown->joined);
    WaitForSingleObject(shutdown->go, INFINITE);
    CoUninitialize();
    return 0;
}

static void shut_com_down(void)
{
    /* Static: a thread given up on may still use it after this returns. */
    static struct com_shutdown shutdown;
    HANDLE thread = NULL;
    DWORD start = GetTickCount(), spent;

    shutdown.joined = CreateEventW(NULL, TRUE, FALSE, NULL);
    shutdown.go = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (shutdown.joined && shutdown.go)
        thread = CreateThread(NULL, 0, com_shutdown_thread, &shutdown, 0, NULL);
    /* One limit for both waits: together they are the COM part of the stop's bound. */
    if (!thread || WaitForSingleObject(shutdown.joined, COM_SHUTDOWN_LIMIT_MS) != WAIT_OBJECT_0)
    {
        /* Without a thread to hand it to, COM stays up until the process exits. */
        service_log("COM left initialized: the thread for its shutdown did not start");
        if (thread)
            CloseHandle(thread);
        return;
    }
    CoUninitialize();
    SetEvent(shutdown.go);
    spent = GetTickCount() - start;
    if (WaitForSingleObject(thread, spent < COM_SHUTDOWN_LIMIT_MS ? COM_SHUTDOWN_LIMIT_MS - spent : 0) == WAIT_OBJECT_0)
    {
        service_log("COM shut down in %lu ms", GetTickCount() - start);
        CloseHandle(shutdown.joined);
        CloseHandle(shutdown.go);
    }
    else
        service_log("COM shutdown still waiting after %lu ms (Wine's rpcrt4 lost the end of a call): the stop goes "
                    "on without it", GetTickCount() - start);
    CloseHandle(thread);
}

HRESULT server_start(server_progress_fn progress)
{
    const WCHAR *version = NAPAGENT_VERSION_W;
    HRESULT hr;

    service_log_open();
    event_log_open();
    service_log("napagent %s starting", NAPAGENT_VERSION);
    hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (FAILED(hr))
        return start_failed(L"COM initialization", hr);
    com_ready = TRUE;
    progress();
    hr = init_security();
    if (FAILED(hr))
        return start_failed(L"CoInitializeSecurity", hr);
    interface_pins_make();
    progress();
    hr = agent_host_start();
    if (FAILED(hr))
        return start_failed(L"the agent core", hr);
    progress();
    hr = register_class_objects();
    if (FAILED(hr))
        return start_failed(L"class object registration", hr);
    service_log("napagent running");
    event_log_report(EVENTLOG_INFORMATION_TYPE, NAPAGENT_EVENT_SERVICE_STARTED, 1, &version);
    return S_OK;
}

void server_stop(server_progress_fn progress)
{
    service_log("napagent stopping");
    /* New calls first, so nothing reaches the core once its loop goes away. */
    revoke_class_objects();
    progress();
    /* Each step is logged: a stop that hangs shows where. */
    service_log("class objects revoked");
    if (agent_host_stop())
        service_log("agent core stopped, every client released");
    progress();
    /* COM's shutdown disconnects every object, so clients get a transport error at once. The
     * stopped core is never freed: the process exits next, and if COM's shutdown was given up
     * on, an object may still be called (the core answers NAP_E_SERVICE_NOT_RUNNING). */
    if (com_ready)
        shut_com_down();
    com_ready = FALSE;
    progress();
    service_log("napagent stopped");
    event_log_report(EVENTLOG_INFORMATION_TYPE, NAPAGENT_EVENT_SERVICE_STOPPED, 0, NULL);
    event_log_close();
    service_log_close();
}
