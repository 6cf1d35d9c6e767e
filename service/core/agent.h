/* The platform-neutral NAP agent core: registrations, bindings, the SoH-change state machine
 * with its retry scheduler, diagnostics and snapshots. The COM adapter is a thin layer over this
 * header; nothing here knows COM or Windows.
 *
 * Threading contract (details in docs/core.md):
 * - One loop thread owns every piece of core state. Entry points below may be called from any
 *   thread; a call from another thread is handed to the loop and waits for its answer, a call
 *   made on the loop thread itself runs inline.
 * - Calls into the client (struct agent_client_calls) run only on that client's own worker,
 *   never on the loop thread and never under a core lock, so a client may call back into the
 *   agent from inside them (an EC calls GetSoHRequest from NotifySoHChange).
 * - The diagnostics sink and the storage run on the loop thread: they must not block for long
 *   and must not call back into the agent. */
#ifndef NAPAGENT_CORE_AGENT_H
#define NAPAGENT_CORE_AGENT_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "nap_result.h"
#include "registration.h"
#include "retry_policy.h"

/* NAP's documented limits (naptypes.h). They are the defaults, not hard-wired: benchmarks raise
 * them far beyond. */
#define NAP_MAX_ENFORCER_COUNT 20u
#define NAP_MAX_SYSTEM_HEALTH_ENTITY_COUNT 20u
#define NAP_MAX_CONNECTION_COUNT_PER_ENFORCER 20u

struct agent_config {
    uint32_t max_enforcers;                 /* registered ECs */
    uint32_t max_health_agents;             /* registered SHAs */
    uint32_t max_connections_per_enforcer;
    /* Threads that run outgoing calls. A frozen client holds one (an EC two, once its overdue
     * notification was left to its thread); as long as fewer clients are frozen than this,
     * nobody else waits. 0 means 2 * max_enforcers + max_health_agents. */
    uint32_t max_worker_threads;
    /* While a stop waits for clients: how often it reports each one it still waits for
     * (AGENT_EVENT_STOP_WAITING). 0 means 2000 ms. */
    uint32_t stop_report_ms;
    /* How long a NotifySoHChange may run before the agent stops waiting for it: the call is left
     * to its thread, the EC is reported (AGENT_EVENT_NOTIFICATION_OVERDUE) and the notification
     * counts as failed, so the retry policy sends it again. 0 means 10000 ms. */
    uint32_t notify_overdue_ms;
    struct retry_policy retry;
    uint64_t jitter_seed;                   /* 0: seeded from the clock */
};

/* Which fields agent_config_normalize() replaced with defaults because they were invalid. */
enum agent_config_replaced {
    AGENT_CONFIG_REPLACED_MAX_ENFORCERS = 1u << 0,
    AGENT_CONFIG_REPLACED_MAX_HEALTH_AGENTS = 1u << 1,
    AGENT_CONFIG_REPLACED_MAX_CONNECTIONS = 1u << 2,
    AGENT_CONFIG_REPLACED_RETRY_FIRST_DELAY = RETRY_REPLACED_FIRST_DELAY,
    AGENT_CONFIG_REPLACED_RETRY_FACTOR = RETRY_REPLACED_FACTOR,
    AGENT_CONFIG_REPLACED_RETRY_MAX_DELAY = RETRY_REPLACED_MAX_DELAY,
    AGENT_CONFIG_REPLACED_RETRY_JITTER = RETRY_REPLACED_JITTER,
    AGENT_CONFIG_REPLACED_RETRY_ATTEMPTS = RETRY_REPLACED_ATTEMPTS,
};

void agent_config_defaults(struct agent_config *config);
/* Replaces invalid fields by their defaults; returns the enum agent_config_replaced bits of
 * what it replaced (0: the configuration was valid as given). */
unsigned agent_config_normalize(struct agent_config *config);

/* ---- What the host provides ---- */

/* Persistence of registrations. The Windows side backs it with the registry; tests use
 * memory_store.h. Called on the loop thread (and by agent_create for load_all). */
struct agent_storage {
    void *context;
    /* Calls add() once per stored registration. */
    nap_result (*load_all)(void *context,
                           void (*add)(void *add_context, const struct nap_registration *r),
                           void *add_context);
    nap_result (*save)(void *context, const struct nap_registration *r);
    nap_result (*remove)(void *context, enum nap_component_kind kind, uint32_t id);
};

enum agent_event_kind {
    AGENT_EVENT_REGISTERED = 1,
    AGENT_EVENT_UNREGISTERED,
    AGENT_EVENT_ENABLED_CHANGED,       /* result: 1 enabled, 0 disabled */
    AGENT_EVENT_BOUND,
    AGENT_EVENT_UNBOUND,               /* by Uninitialize, binding destruction or stop */
    AGENT_EVENT_INITIALIZE_REFUSED,    /* result: why */
    AGENT_EVENT_SOH_CHANGE_RAISED,     /* component: the EC that gets the change */
    AGENT_EVENT_SOH_CHANGE_MERGED,     /* a change joined one already pending for the EC */
    AGENT_EVENT_NOTIFICATION_SENT,     /* attempt: 1 for the first notification of a change */
    AGENT_EVENT_NOTIFICATION_FAILED,   /* attempt, next_delay_ms, result (NAP_RESULT_OK when the EC
                                          reported NotifySoHChangeFailure) */
    AGENT_EVENT_RETRY_EXHAUSTED,       /* once per change: from now on every next_delay_ms */
    AGENT_EVENT_CLIENT_DIED,           /* result: the transport error; the client was unbound */
    AGENT_EVENT_CHANGE_APPLIED,        /* attempt: notifications it took */
    AGENT_EVENT_LIMIT_REACHED,         /* result: NAP_RESULT_OUT_OF_MEMORY */
    AGENT_EVENT_STORAGE_FAILED,        /* result: what the storage answered */
    AGENT_EVENT_SHA_SOH_CHANGED,       /* an SHA's GetSoHRequest gave a new SoH: ECs get a change */
    AGENT_EVENT_SHA_SOH_UNCHANGED,     /* ... the same SoH as before: no exchange */
    AGENT_EVENT_SHA_SOH_FAILED,        /* result: what GetSoHRequest answered; the agent's stand-in
                                          SoH is used for this SHA */
    AGENT_EVENT_SOH_REQUEST_TRIMMED,   /* component: the SHA left out of an EC's request because the
                                          connection's max size was reached */
    AGENT_EVENT_RESPONSE_REJECTED,     /* component: the EC; result: INVALID_PACKET or MISMATCHED_ID */
    AGENT_EVENT_ISOLATION_CHANGED,     /* result: the new system IsolationState (1..3) */
    AGENT_EVENT_SHA_CALL_FAILED,       /* result: a non-transport failure of a call into an SHA
                                          other than GetSoHRequest (attempt: which, enum below) */
    AGENT_EVENT_STOP_WAITING,          /* component: a client the stop still waits for (a call into
                                          it has not returned); attempt: worker jobs not finished in
                                          all (calls and releases); next_delay_ms: time since the
                                          stop began */
    AGENT_EVENT_NOTIFICATION_RETURNED, /* a NotifySoHChange call came back: attempt (as when sent),
                                          next_delay_ms: how long it took, result: its answer */
    AGENT_EVENT_SHA_BACKLOG_FULL,      /* component: an SHA whose calls back up (frozen or slow): the
                                          oldest waiting one of a kind was dropped (attempt: which,
                                          enum agent_sha_call); once per binding */
    AGENT_EVENT_NOTIFICATION_OVERDUE,  /* a NotifySoHChange ran past notify_overdue_ms: the agent
                                          stopped waiting for it (attempt: its attempt,
                                          next_delay_ms: how long it ran) and the retry policy
                                          sends it again */
};

/* What may wait for an SHA, whatever it does: one call of each kind runs or is queued on its
 * worker at a time, and behind it at most this many ProcessSoHResponse parts (each at most one
 * network SoH, 4 KB) and orphaned-request ids wait; past that the oldest waiting one is dropped.
 * Isolation notices merge into the one queued (the SHA reads the state when it is called). */
#define AGENT_SHA_RESPONSES_WAITING 8u
#define AGENT_SHA_ORPHANS_WAITING 32u

/* agent_event.attempt of AGENT_EVENT_SHA_CALL_FAILED (and SHA_BACKLOG_FULL): the call. */
enum agent_sha_call {
    AGENT_SHA_CALL_PROCESS_RESPONSE = 1,
    AGENT_SHA_CALL_ISOLATION_CHANGE,
    AGENT_SHA_CALL_ORPHANED_REQUEST,
};

struct agent_event {
    enum agent_event_kind kind;
    enum nap_component_kind component_kind;
    uint32_t component_id;
    uint32_t attempt;
    uint64_t next_delay_ms;
    nap_result result;
};

/* Called on the loop thread: must not block and must not call the agent. */
struct agent_sink {
    void *context;
    void (*emit)(void *context, const struct agent_event *event);
};

/* A correlation id (naptypes.h CorrelationId): the connection GUID's 16 bytes in memory order and
 * a FILETIME (100 ns units since 1601). */
struct agent_correlation_id {
    uint8_t guid[16];
    uint64_t time;
};

/* What an SHA's GetSoHRequest produced. soh: its SoH in wire form (the attribute TLVs of
 * [MS-SOH], SystemHealthId first), allocated with malloc; the core frees it. */
struct agent_sha_answer {
    uint8_t *soh;       /* NULL: the SHA set no SoH (the one the agent held stays) */
    size_t size;
    int cache;          /* cacheSohForLaterUse: keep it for when the SHA is not bound */
    int changed;        /* differs from `held` (CompareSoHRequests, else bytewise) */
};

/* Outgoing calls, implemented by the adapter. `client` is the adapter's handle of the callback
 * object given to agent_binding_initialize. Each runs on that client's own worker thread.
 * The sha_* calls may be NULL (tests of EC-only behaviour): the core then acts as if the SHA
 * answered E_NOTIMPL. */
struct agent_client_calls {
    void *context;
    /* INapEnforcementClientCallback::NotifySoHChange. */
    nap_result (*ec_notify_soh_change)(void *context, void *client);
    /* The core is done with `client`: called exactly once per successful initialize, after every
     * other call on it returned. died is 1 when the client was dropped for a transport error
     * (the adapter then disconnects the object, since Wine never runs it down). */
    void (*client_release)(void *context, void *client, int died);
    /* INapSystemHealthAgentCallback::GetSoHRequest with a request object carrying `id` and
     * pre-loaded with `held` (held_size 0: the agent holds no SoH for this SHA). */
    nap_result (*sha_get_soh_request)(void *context, void *client,
                                      const struct agent_correlation_id *id, const uint8_t *held,
                                      size_t held_size, struct agent_sha_answer *answer);
    /* INapSystemHealthAgentCallback::ProcessSoHResponse with this SHA's part of a response (its
     * SoHR attribute TLVs) and the shaFixup flag, then GetFixupInfo. */
    nap_result (*sha_process_soh_response)(void *context, void *client,
                                           const struct agent_correlation_id *id,
                                           const uint8_t *soh, size_t size, uint8_t flags);
    /* INapSystemHealthAgentCallback::NotifySystemIsolationStateChange. */
    nap_result (*sha_notify_isolation_change)(void *context, void *client);
    /* INapSystemHealthAgentCallback::NotifyOrphanedSoHRequest. */
    nap_result (*sha_notify_orphaned_request)(void *context, void *client,
                                              const struct agent_correlation_id *id);
    /* A call without effect on the client that only says whether its process still answers:
     * asked when an Initialize wants the id this client holds; a transport error unbinds it as
     * dead (AGENT_EVENT_CLIENT_DIED) and the Initialize binds instead. May be NULL: holders are
     * then taken to be alive. */
    nap_result (*client_alive)(void *context, void *client);
};

/* How long an Initialize of a held id waits for the holder to answer client_alive before it is
 * refused with ALREADY_INITIALIZED (the holder may be frozen inside a callback). */
#define AGENT_HOLDER_PROBE_TIMEOUT_MS 2000u
/* A holder is asked at most once at a time, and at most this many times a second: past that an
 * Initialize (or Unregister) of its id is refused at once, as if it had answered. So repeated
 * calls on a held id cannot keep COM threads waiting or the holder busy answering, while the
 * first calls after its process died still find it dead. */
#define AGENT_HOLDER_PROBES_PER_SECOND 5u

/* Who makes a call, as the host established it (the COM caller's token on Windows). */
struct agent_caller {
    struct nap_identity identity;
    int privileged;                 /* LocalSystem or an administrator: may act for any component */
};

struct agent_dependencies {
    const struct agent_storage *storage;
    const struct agent_sink *sink;          /* may be NULL */
    const struct agent_client_calls *calls;
};

/* ---- Life cycle ---- */

struct agent;

/* Loads the registrations and prepares the core. With loop == NULL the core owns its loop and
 * agent_start() runs it on a thread of its own (the service). With a loop, the thread calling
 * agent_create is the loop thread and the caller runs the loop (tests). The config is normalized
 * as by agent_config_normalize; *replaced (may be NULL) receives what was replaced. */
nap_result agent_create(const struct agent_config *config, const struct agent_dependencies *deps,
                        uv_loop_t *loop, struct agent **out, unsigned *replaced);
/* Starts the core's own loop thread (only for agents created without a loop). */
nap_result agent_start(struct agent *agent);
/* Stops accepting calls (they answer NAP_RESULT_SERVICE_NOT_RUNNING from then on), unbinds every
 * client, waits until every outgoing call returned and every client was released, closes all
 * handles and joins all threads. From any thread but a worker; with a caller-run loop, call it
 * on the loop thread outside any libuv callback. A frozen client delays the stop until it
 * returns. */
void agent_stop(struct agent *agent);
/* agent_stop, but waits at most limit_ms for the clients (0: no limit; a caller-run loop has
 * none). Returns 1 when the agent stopped. 0 when a client's call still runs at the limit: the
 * stop goes on on the core's own threads, which finish it once that call returns (no call is
 * accepted meanwhile, nothing the core owns is freed, and nothing posts to a closed queue); the
 * caller may then exit its process, or call agent_stop to wait for the end. */
int agent_stop_within(struct agent *agent, uint32_t limit_ms);
/* Frees the agent; after agent_stop (it stops the agent itself if needed, waiting for the end of
 * a stop that agent_stop_within gave up waiting for). */
void agent_destroy(struct agent *agent);

/* ---- Bindings (one per COM binding object) ---- */

struct agent_binding;

nap_result agent_binding_create(struct agent *agent, enum nap_component_kind kind,
                                struct agent_binding **out);
/* Uninitializes if needed (waiting like agent_binding_uninitialize), then frees the binding.
 * Safe after agent_stop, not after agent_destroy. */
void agent_binding_destroy(struct agent_binding *binding);

/* Initialize: NOT_REGISTERED, ACCESS_DENIED (the caller is neither privileged nor the account that
 * registered the id: answered before anything else is looked at, the holder is not asked),
 * ENTITY_DISABLED (EC registered but not enabled), ALREADY_INITIALIZED (this binding is
 * initialized, or another binding holds the id). On OK, *owner (may be NULL) receives the
 * registration's owner, for the host to check the callers of the binding's later calls. */
nap_result agent_binding_initialize(struct agent_binding *binding, uint32_t id, void *client,
                                    const struct agent_caller *caller, struct nap_identity *owner);
/* Uninitialize: NOT_INITIALIZED, or OK once the client's in-flight outgoing call returned and
 * client_release ran. Exceptions, where waiting would deadlock: called by the client from inside
 * one of its own callbacks, or on a caller-run loop's thread; client_release then follows as soon
 * as the running call returns. */
nap_result agent_binding_uninitialize(struct agent_binding *binding);

/* NOT_INITIALIZED unless the binding is bound (for methods that only need that). */
nap_result agent_binding_check(struct agent_binding *binding);

/* EC: GetSoHRequest was called; the pending change (if any) counts as applied. */
nap_result agent_ec_soh_request_taken(struct agent_binding *binding);
/* EC: NotifySoHChangeFailure. NOT_INITIALIZED, NOT_PENDING when no notification awaits an answer. */
nap_result agent_ec_notify_soh_change_failure(struct agent_binding *binding);
/* EC: CreateConnection / NotifyConnectionStateDown. `connection` is the adapter's key for the
 * connection object, unique in the process. Created: OUT_OF_MEMORY past the limit. Down:
 * INVALID_ARG for a key this binding does not hold; the connection's decision no longer counts in
 * the system isolation state and an outstanding request is reported orphaned to the SHAs. */
nap_result agent_ec_connection_created(struct agent_binding *binding, uint64_t connection);
nap_result agent_ec_connection_down(struct agent_binding *binding, uint64_t connection);
/* The connection object `connection` went away without NotifyConnectionStateDown: whichever EC
 * holds the key (if any still does) loses it as if it had gone down. By key and without a
 * binding, and it does not wait: the object's last release may run on any thread, a worker's
 * included, and must not hold the binding. */
nap_result agent_ec_connection_released(struct agent *agent, uint64_t connection);
/* EC: may a connection-taking call proceed? NOT_INITIALIZED, or INVALID_ARG when this EC has
 * created no connection (ProcessSoHResponse's documented answer). */
nap_result agent_ec_connection_check(struct agent_binding *binding);
/* SHA: NotifySoHChange. Returns at once. The SHA's worker then asks it for its SoH
 * (sha_get_soh_request); when that differs from the SoH the agent held, every bound EC gets a
 * change. Changes raised while the SHA is being asked are asked again once, afterwards. */
nap_result agent_sha_notify_soh_change(struct agent_binding *binding);
/* SHA: FlushCache. The agent forgets the SoH it holds for this SHA. */
nap_result agent_sha_flush_cache(struct agent_binding *binding);

/* ---- The SoH exchange of one connection (EC GetSoHRequest / ProcessSoHResponse) ---- */

/* What the agent says about the machine in the system SoH (SSoH). */
struct agent_machine_info {
    char name[256];                  /* DNS or NetBIOS name, UTF-8 */
    uint32_t os_major, os_minor, os_build;
    uint16_t sp_major, sp_minor;
    uint16_t architecture;           /* PROCESSOR_ARCHITECTURE_* */
    uint8_t product_type;            /* 1 workstation, 2 domain controller, 3 server */
};

struct agent_soh_request_params {
    struct agent_correlation_id correlation;  /* the connection's new correlation id */
    size_t max_size;                          /* the connection's ProtocolMaxSize */
    const struct agent_machine_info *machine;
};

/* GetSoHRequest on one of the agent's connections: builds the network SoH request from every
 * registered SHA's SoH (the one it gave, else the cached one, else the documented stand-in) into
 * *request (malloc'd, *size bytes), and the EC's pending change counts as taken. SHAs that do
 * not fit in max_size are left out, each (AGENT_EVENT_SOH_REQUEST_TRIMMED); MAXSIZE_TOO_SMALL when not
 * even the agent's own part fits. A request still outstanding on the connection is reported
 * orphaned to the SHAs. *retrigger_hint: the SHAs' SoHs in it differ from the last request built
 * for this connection (or it is the first), or the connection's probation has ended by
 * params->correlation.time. */
nap_result agent_ec_build_soh_request(struct agent_binding *binding, uint64_t connection,
                                      const struct agent_soh_request_params *params,
                                      uint8_t **request, size_t *size, int *retrigger_hint);

#define AGENT_MAX_URL_BYTES 2048u
#define AGENT_MAX_INSTALLED_SHVS NAP_MAX_SYSTEM_HEALTH_ENTITY_COUNT

/* IsolationInfo(Ex) of a connection or of the system. */
struct agent_isolation {
    uint8_t state;                   /* IsolationState: 1 not restricted, 2 probation, 3 restricted */
    uint8_t extended;                /* ExtendedIsolationState 0..3 */
    uint64_t probation_end;          /* FILETIME; 0 when not in probation */
    char url[AGENT_MAX_URL_BYTES + 1];  /* remediation URL, UTF-8, NUL-terminated */
};

struct agent_soh_decision {
    struct agent_isolation isolation;
    uint32_t installed_shvs[AGENT_MAX_INSTALLED_SHVS];
    size_t installed_shv_count;
};

/* ProcessSoHResponse: `response` is the network SoH response the EC put on the connection.
 * INVALID_PACKET (malformed), MISMATCHED_ID (it does not answer the request this connection got
 * last from agent_ec_build_soh_request, or that request was answered already), INVALID_ARG (a
 * connection this binding does not hold); none of them changes anything. On OK each bound SHA
 * with a part in the response gets it (sha_process_soh_response, on its worker), *decision is
 * what to set on the connection, and the system isolation state is recomputed (SHAs are told
 * when it changes). */
nap_result agent_ec_process_soh_response(struct agent_binding *binding, uint64_t connection,
                                         const uint8_t *response, size_t size,
                                         struct agent_soh_decision *decision);

/* The system isolation state over the connections with a decision (most restrictive state,
 * earliest probation end, the deciding connection's URL); *unknown_connections: some live
 * connection has no decision yet. NotRestricted when no connection has one. */
nap_result agent_system_isolation(struct agent *agent, struct agent_isolation *out,
                                  int *unknown_connections);

/* A health change for every bound EC, whoever raised it. Does not wait. */
nap_result agent_raise_soh_change(struct agent *agent);

/* ---- Registrations (INapClientManagement, netsh) ---- */

/* CONFLICTING_ID, OUT_OF_MEMORY at the limit, INVALID_ARG for strings over NAP_MAX_STRING_LENGTH.
 * registration->owner is kept as given: the host sets it to the registering caller. */
nap_result agent_register(struct agent *agent, const struct nap_registration *registration);
/* ID_NOT_FOUND, ACCESS_DENIED (as for Initialize), STILL_BOUND. */
nap_result agent_unregister(struct agent *agent, enum nap_component_kind kind, uint32_t id,
                            const struct agent_caller *caller);
/* ECs only: ID_NOT_FOUND. Disabling does not unbind a bound EC; it refuses the next Initialize. */
nap_result agent_set_enabled(struct agent *agent, uint32_t ec_id, int enabled);
/* Deep copies, ordered by id; free with nap_registrations_free. */
nap_result agent_list_registrations(struct agent *agent, enum nap_component_kind kind,
                                    struct nap_registration **out, size_t *count);

/* Applies to retries scheduled from now on; INVALID_ARG if the policy is not valid as given. */
nap_result agent_set_retry_policy(struct agent *agent, const struct retry_policy *policy);

/* ---- Snapshot (napctl) ---- */

enum agent_soh_state {
    AGENT_SOH_IDLE,            /* no change since binding */
    AGENT_SOH_NOTIFYING,       /* NotifySoHChange issued, waiting for GetSoHRequest or a failure */
    AGENT_SOH_RETRY_SCHEDULED, /* failed; the timer will notify again */
    AGENT_SOH_APPLIED,         /* the last change was taken */
};

struct agent_snapshot_binding {
    enum nap_component_kind kind;
    uint32_t id;
    enum agent_soh_state soh_state;  /* ECs */
    uint32_t attempts;               /* notifications sent for the current/last change */
    uint32_t merged_changes;         /* changes merged into the pending one */
    int notification_in_flight;      /* the NotifySoHChange call has not returned yet */
    int64_t next_retry_ms;           /* -1 when no retry is scheduled */
    uint32_t connections;
};

struct agent_snapshot {
    struct nap_registration *registrations;  /* ECs then SHAs, each ordered by id */
    size_t registration_count;
    struct agent_snapshot_binding *bindings; /* ECs then SHAs, each ordered by id */
    size_t binding_count;
    struct retry_policy retry;
    uint64_t outgoing_calls_outstanding;     /* queued or running on workers */
};

/* Consistent: built on the loop thread in one go. Free with agent_snapshot_free. */
nap_result agent_snapshot(struct agent *agent, struct agent_snapshot *out);
void agent_snapshot_free(struct agent_snapshot *snapshot);

#endif
