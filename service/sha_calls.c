/* The core's outgoing calls into a system health agent's INapSystemHealthAgentCallback, made on
 * the SHA's worker thread (joined to the MTA by agent_host_join_com). Each builds the request
 * object of the call (sha_request.c) and retires it when the call returns. */
#include "sha_calls.h" /* first: libuv wants winsock2.h before windows.h */
#include "napagent.h"
#include "client_handle.h"
#include "sha_request.h"
#include "soh_marshal.h"
#include "correlation_id.h"
#include <stdlib.h>

static INapSystemHealthAgentCallback *callback_of(void *client)
{
    return (INapSystemHealthAgentCallback *)((struct client_handle *)client)->callback;
}

/* CompareSoHRequests where the SHA implements it; the agent compares bytes otherwise (and the core
 * always does: equal bytes are never a change). */
static int semantically_changed(INapSystemHealthAgentCallback *callback, const SoH *held, const SoH *now)
{
    BOOL equal = FALSE;

    if (!held)
        return 1;
    if (FAILED(INapSystemHealthAgentCallback_CompareSoHRequests(callback, held, now, &equal)))
        return 1;
    return !equal;
}

nap_result sha_calls_get_soh_request(void *context, void *client, const struct agent_correlation_id *id,
                                     const uint8_t *held, size_t held_size, struct agent_sha_answer *answer)
{
    struct sha_request_init init = {((struct client_handle *)client)->id, id, held, held_size, NULL, 0, 0};
    INapSystemHealthAgentCallback *callback = callback_of(client);
    INapSystemHealthAgentRequest *request;
    SoH *soh = NULL;
    BOOL cache;
    HRESULT hr;

    (void)context;
    agent_host_join_com();
    if (FAILED(hr = sha_request_create(&init, &request)))
        return hr;
    hr = INapSystemHealthAgentCallback_GetSoHRequest(callback, request);
    sha_request_take_answer(request, &answer->soh, &answer->size, &soh, &cache);
    answer->cache = cache;
    if (SUCCEEDED(hr) && answer->soh)
        answer->changed = semantically_changed(callback, sha_request_held(request), soh);
    sha_request_retire(request);
    soh_marshal_free(soh);
    if (FAILED(hr))
    {
        free(answer->soh);
        answer->soh = NULL;
        answer->size = 0;
    }
    return hr;
}

/* The fix-up state is only logged for now: nothing in the agent acts on it yet. */
static void log_fixup(INapSystemHealthAgentCallback *callback, UINT32 sha_id)
{
    FixupInfo *fixup = NULL;
    HRESULT hr = INapSystemHealthAgentCallback_GetFixupInfo(callback, &fixup);

    if (SUCCEEDED(hr) && fixup)
    {
        service_log("SHA %#x fix-up: state %d, %u%%", sha_id, fixup->state, fixup->percentage);
        CoTaskMemFree(fixup->resultCodes.results);
        CoTaskMemFree(fixup);
    }
}

nap_result sha_calls_process_soh_response(void *context, void *client, const struct agent_correlation_id *id,
                                          const uint8_t *soh, size_t size, uint8_t flags)
{
    struct client_handle *handle = client;
    struct sha_request_init init = {handle->id, id, NULL, 0, soh, size, flags};
    INapSystemHealthAgentCallback *callback = callback_of(client);
    INapSystemHealthAgentRequest *request;
    HRESULT hr;

    (void)context;
    agent_host_join_com();
    if (FAILED(hr = sha_request_create(&init, &request)))
        return hr;
    hr = INapSystemHealthAgentCallback_ProcessSoHResponse(callback, request);
    sha_request_retire(request);
    if (SUCCEEDED(hr))
        log_fixup(callback, handle->id);
    return hr;
}

nap_result sha_calls_notify_isolation_change(void *context, void *client)
{
    (void)context;
    agent_host_join_com();
    return INapSystemHealthAgentCallback_NotifySystemIsolationStateChange(callback_of(client));
}

nap_result sha_calls_notify_orphaned_request(void *context, void *client, const struct agent_correlation_id *id)
{
    CorrelationId correlation;

    (void)context;
    agent_host_join_com();
    correlation_id_from_core(id, &correlation);
    return INapSystemHealthAgentCallback_NotifyOrphanedSoHRequest(callback_of(client), &correlation);
}
