/* What the core's files share behind agent.h. Everything reachable from struct agent belongs to
 * the loop thread, except what is marked otherwise. */
#ifndef NAPAGENT_CORE_AGENT_INTERNAL_H
#define NAPAGENT_CORE_AGENT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "agent.h"
#include "client_worker.h"
#include "components.h"
#include "handoff_queue.h"
#include "retry_policy.h"
#include "soh_change.h"

struct agent;
struct bound_client;

/* The struct that embeds `member` at `pointer`. */
#define CONTAINER_OF(pointer, type, member) ((type *)((char *)(pointer) - offsetof(type, member)))

/* NotifySoHChange on the EC's worker; its result comes back to the loop as `returned`. On the
 * heap, one per notification: a call the agent gave up on (overdue) may still run when the next
 * one starts. */
struct notify_job {
    struct worker_job job;
    struct handoff_request returned;
    struct bound_client *owner;
    uint32_t seq;
    uint32_t attempt;     /* the change's attempt when the call started */
    uint64_t sent_at;     /* uv_now() when the call was handed to the worker */
    int overdue;          /* the agent stopped waiting for it: its result changes nothing */
    nap_result result;    /* written on the worker, read on the loop after the hand-off */
};

/* client_release on the client's worker, after every other call on it. */
struct release_job {
    struct worker_job job;
    struct handoff_request released;
    struct bound_client *owner;
    uv_sem_t *waiter;     /* posted once client_release returned; NULL if nobody waits */
    int died;
};

/* A job of a call into an SHA; on the heap, since several may be queued on one SHA's worker. */
enum sha_job_kind {
    SHA_JOB_GET_SOH,
    SHA_JOB_PROCESS_RESPONSE,
    SHA_JOB_ISOLATION_CHANGED,
    SHA_JOB_ORPHANED,
};

struct sha_job {
    struct worker_job job;          /* first: the pool's dropped() hook frees by this pointer */
    struct handoff_request returned;
    struct bound_client *owner;
    struct sha_job *waiting_next;   /* in the SHA's backlog, before it is submitted */
    enum sha_job_kind kind;
    struct agent_correlation_id correlation;
    uint8_t *data;                  /* GET_SOH: the SoH held; PROCESS_RESPONSE: the SHA's part */
    size_t size;
    uint8_t flags;
    nap_result result;              /* written on the worker, read on the loop after the hand-off */
    struct agent_sha_answer answer;
};

/* SHA: the calls that wait for the one of their kind in flight, bounded (sha_dispatch.c). */
struct sha_backlog {
    int response_out;                /* a ProcessSoHResponse is queued or running */
    struct sha_job *responses;       /* the parts waiting for it, oldest first */
    struct sha_job *responses_tail;
    unsigned response_count;
    int isolation_out;               /* a NotifySystemIsolationStateChange is queued or running */
    int isolation_again;             /* the state changed since: one more notice after it */
    int orphan_out;                  /* a NotifyOrphanedSoHRequest is queued or running */
    struct agent_correlation_id orphans[AGENT_SHA_ORPHANS_WAITING];   /* a ring */
    unsigned orphan_first, orphan_count;
    int full_reported;               /* AGENT_EVENT_SHA_BACKLOG_FULL was emitted */
};

/* What the agent knows of one of an EC's live connections. */
struct connection_state {
    uint64_t key;
    int decided;                    /* a response was processed: the isolation below counts */
    uint8_t state;
    uint8_t extended;
    uint64_t probation_end;
    char *url;                      /* malloc'd, NUL-terminated; NULL for none */
    int outstanding;                /* a request went out and no response came back yet */
    int built;                      /* a request was built for it: content_hash is set */
    uint64_t content_hash;          /* of the SHAs' SoHs in the last request (retriggerHint) */
    struct agent_correlation_id outstanding_id;
};

/* One live binding of an EC or SHA id: from a successful Initialize until the client is
 * released and the retry timer closed. */
struct bound_client {
    struct agent *agent;
    struct agent_binding *binding;   /* NULL once unbound */
    struct component *component;     /* NULL once unbound */
    enum nap_component_kind kind;
    uint32_t id;
    void *client;
    struct bound_client *prev;       /* in agent->bound[kind] while bound, then in */
    struct bound_client *next;       /* agent->leaving until freed */
    struct client_worker worker;
    struct soh_change change;
    uv_timer_t retry_timer;
    uv_timer_t notify_watch;         /* EC: fires when the running notification is overdue */
    struct notify_job *notifying;    /* EC: the notification the agent waits for, or NULL */
    uint32_t connections;            /* EC: entries used in conns */
    struct connection_state *conns;  /* EC: max_connections_per_enforcer entries, lazily */
    int gathering;                   /* SHA: its GetSoHRequest is queued or running */
    int gather_again;                /* SHA: NotifySoHChange came meanwhile: ask once more */
    struct sha_backlog backlog;      /* SHA */
    int unbound;
    int probed;                      /* a holder probe is queued or running */
    uint64_t probes_since;           /* uv_now() when the current second of probes began */
    uint32_t probes;                 /* probes started in it */
    int live_parts;                  /* timers not closed + release not completed */
    struct release_job release;
};

/* The COM binding object's handle. `bound` is read and written on the loop thread only. */
struct agent_binding {
    struct agent *agent;
    enum nap_component_kind kind;
    struct bound_client *bound;
};

enum agent_request_kind {
    AGENT_REQUEST_INITIALIZE,
    AGENT_REQUEST_UNINITIALIZE,
    AGENT_REQUEST_DESTROY_BINDING,
    AGENT_REQUEST_SOH_TAKEN,
    AGENT_REQUEST_SOH_CHANGE_FAILURE,
    AGENT_REQUEST_CONNECTION_CREATED,
    AGENT_REQUEST_CONNECTION_DOWN,
    AGENT_REQUEST_CONNECTION_RELEASED,
    AGENT_REQUEST_CONNECTION_CHECK,
    AGENT_REQUEST_BOUND_CHECK,
    AGENT_REQUEST_SHA_NOTIFY_SOH_CHANGE,
    AGENT_REQUEST_SHA_FLUSH_CACHE,
    AGENT_REQUEST_BUILD_SOH_REQUEST,
    AGENT_REQUEST_PROCESS_SOH_RESPONSE,
    AGENT_REQUEST_SYSTEM_ISOLATION,
    AGENT_REQUEST_RAISE_SOH_CHANGE,
    AGENT_REQUEST_REGISTER,
    AGENT_REQUEST_UNREGISTER,
    AGENT_REQUEST_SET_ENABLED,
    AGENT_REQUEST_LIST,
    AGENT_REQUEST_SET_RETRY_POLICY,
    AGENT_REQUEST_SNAPSHOT,
    AGENT_REQUEST_STOP,
};

/* One call handed to the loop; lives in the caller's frame (or on the heap when nobody waits). */
struct agent_request {
    struct handoff_request link;
    enum agent_request_kind kind;
    struct agent_binding *binding;
    uint32_t id;
    void *client;
    int flag;
    enum nap_component_kind component_kind;
    const struct nap_registration *registration;
    const struct retry_policy *policy;
    struct nap_registration **list;
    size_t *list_count;
    struct agent_snapshot *snapshot;
    uint64_t connection;
    const struct agent_soh_request_params *soh_params;
    const uint8_t *bytes;
    size_t byte_count;
    uint8_t **bytes_out;
    size_t *byte_count_out;
    struct agent_soh_decision *decision;
    struct agent_isolation *isolation;
    int *flag_out;
    const struct client_worker *caller_worker;  /* the worker the caller runs on, if any */
    int inline_call;                            /* running on the loop thread itself */
    int internal;                               /* allowed while stopping (see agent_calls.c) */
    struct agent_caller caller;                 /* INITIALIZE, UNREGISTER: who asks (a copy: a
                                                   caller may give up waiting, see below) */
    struct nap_identity *owner_out;             /* INITIALIZE: the registration's owner */
    int heap;                                   /* fire and forget: the handler frees it */
    /* On the heap, and the caller may give up waiting once the loop deferred the answer
     * (holder_probe.c); these three and `answered` are under agent.answer_lock. */
    int timed;
    nap_result timeout_result;                  /* what a caller that gave up answers */
    int holder_probed;                          /* the loop: handled again after a holder probe */
    int deferred;                               /* the loop answers later: the caller may time out */
    int claimed;                                /* the loop is answering: the caller must wait */
    int abandoned;                              /* the caller gave up: the loop frees the request */
    int answered;                               /* under agent.answer_lock */
    uv_sem_t release_wait;
    int wait_for_release;                       /* set by the loop: the caller must wait */
    nap_result result;
};

struct agent {
    struct agent_config config;
    struct agent_storage storage;
    struct agent_sink sink;
    struct agent_client_calls calls;
    uv_loop_t own_loop;
    uv_loop_t *loop;
    int owns_loop;
    uv_thread_t loop_thread;       /* agent_start's thread */
    int started;
    uv_thread_t loop_thread_id;    /* whoever runs the loop; set before any call can arrive */
    int loop_thread_known;
    uv_sem_t loop_ready;
    struct handoff_queue handoff;
    /* Callers waiting for the loop's answer sleep on one condition variable rather than a
     * semaphore each: under Wine a semaphore is a wineserver object (creating, posting, waiting and
     * closing it are four server round trips per call), a condition variable waits in-process. */
    uv_mutex_t answer_lock;
    uv_cond_t answer_cond;
    struct worker_pool pool;
    struct component_table ecs;
    struct component_table shas;
    struct bound_client *bound_ecs;
    struct bound_client *bound_shas;
    struct bound_client *leaving;  /* unbound, not yet freed: what a stop waits for */
    size_t live_clients;           /* bound_client structs not yet freed */
    uint64_t outstanding_jobs;     /* submitted to workers, result not yet back */
    struct jitter_rng rng;
    uint8_t system_state;          /* last system isolation state SHAs were told of */
    uint64_t system_probation_end;
    int stopping;
    uv_timer_t stop_watch;         /* while stopping: says every few seconds whom it waits for */
    int stop_watch_open;
    uint64_t stop_began;           /* uv_now() at the stop */
    int handles_closed;
    int stopped;                   /* the loop side is done: the async handle has closed */
    int loop_finished;             /* the loop thread left uv_run (under answer_lock) */
    int stop_requested;            /* agent_stop asked the loop (written by its caller only) */
    int stop_finished;             /* agent_stop returned (written by its caller only) */
};

/* diagnostics.c */
void agent_emit(struct agent *a, enum agent_event_kind kind, enum nap_component_kind component_kind,
                uint32_t id, uint32_t attempt, uint64_t next_delay_ms, nap_result result);

/* agent_requests.c: wakes the caller waiting for r (nothing for a request run inline). */
void agent_answer(struct agent *a, struct agent_request *r);

/* holder_probe.c: r (a timed request) wants kind's id, which a client may hold; if one does, asks
 * it whether it is alive and handles r again once it answered. Returns 1 when r was deferred. */
int holder_probe_start(struct agent *a, struct agent_request *r, enum nap_component_kind kind,
                       uint32_t id);

/* client_binding.c */
nap_result agent_bind(struct agent *a, struct agent_binding *binding, uint32_t id, void *client);
/* reason: AGENT_EVENT_UNBOUND or AGENT_EVENT_CLIENT_DIED (result: the transport error). */
void agent_unbind(struct bound_client *bc, enum agent_event_kind reason, nap_result result,
                  uv_sem_t *waiter);
void agent_unbind_all(struct agent *a);
/* Drops one of bc's live parts; the last one frees it. */
void agent_bound_client_put(struct bound_client *bc);

/* soh_delivery.c */
void soh_delivery_apply(struct bound_client *bc, unsigned actions, nap_result failure);
void soh_delivery_raise_all(struct agent *a);
void soh_delivery_notify_returned(struct handoff_request *request, void *context);

/* soh_delivery.c: the overdue watch of an EC's notification (closed with the client) */
void soh_delivery_init(struct bound_client *bc);
void soh_delivery_close(struct bound_client *bc);

/* retry_schedule.c */
void retry_schedule_init(struct bound_client *bc);
void retry_schedule_start(struct bound_client *bc, uint64_t delay_ms);
void retry_schedule_cancel(struct bound_client *bc);
void retry_schedule_close(struct bound_client *bc);
int64_t retry_schedule_due_in(struct bound_client *bc);

/* component_admin.c */
nap_result component_admin_load(struct agent *a);
void component_admin_handle(struct agent *a, struct agent_request *r);

/* snapshot.c */
nap_result snapshot_take(struct agent *a, struct agent_snapshot *out);

/* sha_dispatch.c */
void sha_dispatch_gather(struct bound_client *sha);
void sha_dispatch_flush(struct component *c);
/* The SHA was let go: what waited for it goes; its SoH is kept only if it asked for it to be
 * cached. */
void sha_dispatch_unbound(struct bound_client *sha);
void sha_dispatch_process_response(struct bound_client *sha, const struct agent_correlation_id *id,
                                   const uint8_t *part, size_t size, uint8_t flags);
void sha_dispatch_isolation_changed(struct agent *a);
void sha_dispatch_orphaned(struct agent *a, const struct agent_correlation_id *id);
/* For client_worker_close: frees a dropped sha_job (the pool calls it under its lock). */
void sha_dispatch_job_dropped(struct worker_job *job);

/* connection_table.c: an EC's connections and the system isolation state */
nap_result connection_table_add(struct bound_client *ec, uint64_t key);
struct connection_state *connection_table_find(struct bound_client *ec, uint64_t key);
/* Forgets the connection (orphan notice for an outstanding request); recomputes isolation. */
void connection_table_remove(struct bound_client *ec, struct connection_state *c);
/* On unbind: every connection of the EC goes down. */
void connection_table_clear(struct bound_client *ec);
/* Sets a connection's decision, then recomputes the system state and tells SHAs of a change. */
nap_result connection_table_decide(struct bound_client *ec, struct connection_state *c,
                                   const struct agent_isolation *isolation);
void connection_table_system(struct agent *a, struct agent_isolation *out, int *unknown);
void connection_table_recompute(struct agent *a);

/* soh_exchange.c */
nap_result soh_exchange_build_request(struct agent *a, struct connection_state *c,
                                      const struct agent_soh_request_params *params,
                                      uint8_t **request, size_t *size, int *retrigger_hint);
nap_result soh_exchange_process_response(struct agent *a, struct bound_client *ec,
                                         struct connection_state *c,
                                         const uint8_t *response, size_t size,
                                         struct agent_soh_decision *decision);
/* The documented stand-in SoH of an SHA (malloc'd): SystemHealthId, FailureCategory, ErrorCodes. */
nap_result soh_exchange_stand_in(uint32_t sha_id, uint8_t failure_category, nap_result error,
                                 uint8_t **soh, size_t *size);

/* agent_requests.c */
void agent_handle_request(struct handoff_request *request, void *context);

/* agent_calls.c: asks the loop to stop, from another thread. */
nap_result agent_request_stop(struct agent *agent);

/* agent_lifecycle.c */
void agent_begin_stop(struct agent *a);
void agent_check_stopped(struct agent *a);

#endif
