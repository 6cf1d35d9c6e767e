/* The administration state and policy as INapAgentDiagnostics hands them out (agent_state.c). */
#ifndef NAPAGENT_AGENT_STATE_H
#define NAPAGENT_AGENT_STATE_H

#include "agent.h" /* first: libuv wants winsock2.h before windows.h */
#include <windows.h>
#include <napagentdiag.h>

/* *out: everything CoTaskMemAlloc'd; the core's error (NAP_E_SERVICE_NOT_RUNNING) as it is. */
HRESULT agent_state_get(struct agent *core, NapAgentState **out);
/* Frees what agent_state_get made, also a half-built state. */
void agent_state_free(NapAgentState *state);
void agent_retry_policy_to_idl(const struct retry_policy *from, NapAgentRetryPolicy *to);

#endif
