/* The core's outgoing calls into an SHA's INapSystemHealthAgentCallback (sha_calls.c), with the
 * signatures of struct agent_client_calls. */
#ifndef NAPAGENT_SHA_CALLS_H
#define NAPAGENT_SHA_CALLS_H

#include "agent.h"

nap_result sha_calls_get_soh_request(void *context, void *client, const struct agent_correlation_id *id,
                                     const uint8_t *held, size_t held_size, struct agent_sha_answer *answer);
nap_result sha_calls_process_soh_response(void *context, void *client, const struct agent_correlation_id *id,
                                          const uint8_t *soh, size_t size, uint8_t flags);
nap_result sha_calls_notify_isolation_change(void *context, void *client);
nap_result sha_calls_notify_orphaned_request(void *context, void *client, const struct agent_correlation_id *id);

#endif
