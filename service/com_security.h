/* Who may call napagent at all (COM's own check, before any method runs): LocalSystem,
 * Administrators and authenticated users (ECs and SHAs run as services or as the interactive
 * user), COM_RIGHTS_EXECUTE | COM_RIGHTS_EXECUTE_LOCAL. What each may do beyond that is
 * caller_access.c's and the core's. */
#ifndef NAPAGENT_COM_SECURITY_H
#define NAPAGENT_COM_SECURITY_H

#include <windows.h>

/* The policy as an absolute security descriptor, in static storage (COM may keep using it). */
HRESULT com_security_policy(SECURITY_DESCRIPTOR **out);

#endif
