/* Who may change the agent's configuration. Windows let any authenticated user read NAP state but
 * only administrators change it (netsh nap client: "set" commands need an elevated prompt); napagent
 * keeps that rule for the COM methods that change configuration. */
#ifndef NAPAGENT_CALLER_ACCESS_H
#define NAPAGENT_CALLER_ACCESS_H

#include <windows.h>

/* S_OK when the COM caller is LocalSystem or a member of the local Administrators group (in its
 * effective token: a filtered, non-elevated token does not count), E_ACCESSDENIED otherwise. A
 * call that did not come through COM (the service itself) is allowed. */
HRESULT caller_access_require_admin(void);

#endif
