/* What the service process uses (INapAgentDiagnostics::GetResourceUsage). */
#ifndef NAPAGENT_RESOURCE_USAGE_H
#define NAPAGENT_RESOURCE_USAGE_H

#include <windows.h>
#include <napagentdiag.h>

HRESULT resource_usage_measure(NapAgentResourceUsage *usage);

#endif
