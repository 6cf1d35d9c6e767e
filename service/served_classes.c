/* The classes the service serves. install.c writes their CLSID\AppID keys, server.c registers
 * their class objects (the factory shared with the in-process servers makes them through
 * served_class_create): one table so the two never disagree. */
#include "napagent.h"
#include <napagentclasses.h>

/* {d737c024-74c7-438a-ba24-d281270c5a97}: napagent's AppID, whose LocalService value lets COM
 * start the service on activation. */
const GUID napagent_appid = {0xd737c024, 0x74c7, 0x438a, {0xba, 0x24, 0xd2, 0x81, 0x27, 0x0c, 0x5a, 0x97}};

const struct served_class served_classes[] = {
    {&CLSID_NapEnforcementClientBinding, L"NAP Enforcement Client Binding", ec_binding_create},
    {&CLSID_NapSystemHealthAgentBinding, L"NAP System Health Agent Binding", sha_binding_create},
    {&CLSID_NapClientManagement, L"NAP Client Management", client_management_create},
    {&CLSID_NapAgentDiagnostics, L"napagent Diagnostics", agent_diagnostics_create},
    {NULL, NULL, NULL},
};

HRESULT served_class_create(REFCLSID clsid, REFIID riid, void **out)
{
    for (const struct served_class *c = served_classes; c->clsid; c++)
        if (IsEqualCLSID(c->clsid, clsid))
            return c->create(riid, out);
    *out = NULL;
    return CLASS_E_CLASSNOTAVAILABLE;
}
