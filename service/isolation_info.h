/* GetSystemIsolationInfo(Ex) for the classes that offer it. */
#ifndef NAPAGENT_ISOLATION_INFO_H
#define NAPAGENT_ISOLATION_INFO_H

#include <windows.h>
#include <naptypes.h>

HRESULT isolation_info_get(IsolationInfo **info, BOOL *unknown_connections);
HRESULT isolation_info_ex_get(IsolationInfoEx **info, BOOL *unknown_connections);

#endif
