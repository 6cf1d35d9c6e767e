/* What the binding objects answer once the agent stops. Microsoft documents, for every method of
 * INapEnforcementClientBinding and INapSystemHealthAgentBinding, that it returns
 * RPC_E_DISCONNECTED if the NapAgent is stopped; the core says NAP_E_SERVICE_NOT_RUNNING from
 * the moment its stop begins (docs/core.md), which is what every other class answers. */
#ifndef NAPAGENT_BINDING_ANSWER_H
#define NAPAGENT_BINDING_ANSWER_H

#include <windows.h>

static inline HRESULT binding_answer(HRESULT hr)
{
    return hr == NAP_E_SERVICE_NOT_RUNNING ? RPC_E_DISCONNECTED : hr;
}

#endif
