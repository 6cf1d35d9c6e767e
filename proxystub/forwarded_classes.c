/* The documented classes napagent serves. Only classes the service really registers may be
 * listed: Wine polls up to 30 s for a class that never appears. */
#include "qagent.h"
#include <napagentclasses.h>

const CLSID *const forwarded_classes[] = {
    &CLSID_NapEnforcementClientBinding,
    &CLSID_NapSystemHealthAgentBinding,
    &CLSID_NapClientManagement,
    NULL
};

const WCHAR *const forwarded_class_names[] = {
    L"NAP Enforcement Client Binding",
    L"NAP System Health Agent Binding",
    L"NAP Client Management",
    NULL
};

BOOL is_forwarded_class(REFCLSID clsid)
{
    for (int i = 0; forwarded_classes[i]; i++)
        if (IsEqualCLSID(clsid, forwarded_classes[i]))
            return TRUE;
    return FALSE;
}

/* SDK clients ask for CLSCTX_INPROC_SERVER; the state lives in the napagent service, so the
 * object handed out is the service's own, reached through the proxy/stubs of this same DLL. */
HRESULT forward_to_service(REFCLSID clsid, REFIID riid, void **out)
{
    return CoCreateInstance(clsid, NULL, CLSCTX_LOCAL_SERVER, riid, out);
}
