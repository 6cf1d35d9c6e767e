/* The INapSystemHealthAgentRequest object the agent hands an SHA's GetSoHRequest and
 * ProcessSoHResponse: one per call, disconnected when the call returns (the SHA must not keep it;
 * if it does, its later calls fail with RPC_E_DISCONNECTED instead of reaching a stale object). */
#ifndef NAPAGENT_SHA_REQUEST_H
#define NAPAGENT_SHA_REQUEST_H

#include "agent.h" /* first: libuv wants winsock2.h before windows.h */
#include <windows.h>
#include <napsystemhealthagent.h>

struct sha_request_init
{
    SystemHealthEntityId sha_id;
    const struct agent_correlation_id *correlation;
    const uint8_t *held;        /* the SoH the agent holds for the SHA (GetSoHRequest's answer) */
    size_t held_size;
    const uint8_t *response;    /* the SHA's part of a response (GetSoHResponse's answer) */
    size_t response_size;
    UINT8 flags;                /* GetSoHResponse's flags: shaFixup */
};

HRESULT sha_request_create(const struct sha_request_init *init, INapSystemHealthAgentRequest **out);
/* What the SHA set with SetSoHRequest: moves out the wire form (malloc'd; NULL when it set
 * nothing) and the COM form (CoTaskMemAlloc'd, for CompareSoHRequests; free with
 * soh_marshal_free), and the cache flag. */
void sha_request_take_answer(INapSystemHealthAgentRequest *request, uint8_t **wire, size_t *size, SoH **soh,
                             BOOL *cache);
/* The SoH the request was pre-loaded with, COM form (NULL when none); owned by the request. */
const SoH *sha_request_held(INapSystemHealthAgentRequest *request);
/* Ends the request: disconnects it from the SHA and releases the agent's reference. */
void sha_request_retire(INapSystemHealthAgentRequest *request);

#endif
