/* The COM local server: the same code behind the SCM and behind --console. */
#include "napagent.h"
#include "interface_pins.h"
#include "inproc_factory.h"
#include "event_log.h"
#include "events.h"
#include <stdio.h>
#include <sddl.h>

static DWORD class_cookies[8];
static BOOL com_ready;

/* Who may call napagent: LocalSystem, Administrators and authenticated users (ECs and SHAs run
 * as services or as the interactive user). COM_RIGHTS_EXECUTE | COM_RIGHTS_EXECUTE_LOCAL. */
static const WCHAR access_policy[] = L"O:BAG:BAD:(A;;0x3;;;SY)(A;;0x3;;;BA)(A;;0x3;;;AU)";

static HRESULT init_security(void)
{
    PSECURITY_DESCRIPTOR sd;
    HRESULT hr;

    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(access_policy, SDDL_REVISION_1, &sd, NULL))
        return HRESULT_FROM_WIN32(GetLastError());
    /* Privacy-level packets; clients may only identify us, never impersonate or delegate;
     * no activate-as-activator, no custom marshalers from clients. */
    hr = CoInitializeSecurity(sd, -1, NULL, NULL, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, RPC_C_IMP_LEVEL_IDENTIFY,
                              NULL, EOAC_DISABLE_AAA | EOAC_NO_CUSTOM_MARSHAL, NULL);
    LocalFree(sd);
    return hr;
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
    agent_host_stop();
    progress();
    if (com_ready)
        CoUninitialize();
    com_ready = FALSE;
    agent_host_destroy();
    service_log("napagent stopped");
    event_log_report(EVENTLOG_INFORMATION_TYPE, NAPAGENT_EVENT_SERVICE_STOPPED, 0, NULL);
    event_log_close();
    service_log_close();
}
