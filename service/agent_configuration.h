/* The configuration as INapAgentDiagnostics hands it out (agent_configuration.c). */
#ifndef NAPAGENT_AGENT_CONFIGURATION_H
#define NAPAGENT_AGENT_CONFIGURATION_H

#include "agent.h" /* first: libuv wants winsock2.h before windows.h */
#include <windows.h>
#include <napagentdiag.h>

/* The five retry values in the order of the napAgentRetry* bits, then EventRecordFile. The
 * core's error (NAP_E_SERVICE_NOT_RUNNING) as it is. */
HRESULT agent_configuration_get(struct agent *core, UINT32 *count, NapAgentParameter **parameters);
/* Frees every string of every entry and the array, also a half-filled one. */
void agent_configuration_free(NapAgentParameter *parameters, UINT32 count);

#endif
