/* The core does not grow: the soak's cycle (an SHA reports a change, each EC fails the first
 * notification, takes the retry, builds a request and processes a response; every fifth cycle
 * each EC unbinds and binds again with a new binding and connection), run thousands of times,
 * leaves the heap where it was after a warm-up. LeakSanitizer already fails any test that loses
 * memory; this catches memory that stays reachable but keeps piling up (a list that only grows),
 * which it cannot see. Measured with the sanitizer allocator's own count of bytes in use. */
#include "harness.h"
#include "exchange_builders.h"

/* The sanitizer runtime's count (sanitizer/allocator_interface.h, which Debian's gcc does not
 * ship; the function is in every ASan runtime, and the native tests always run under ASan). */
size_t __sanitizer_get_current_allocated_bytes(void);

#define SHA_ID 0x00013790u
#define EC_COUNT 3
#define WARM_UP_CYCLES 200
#define MEASURED_CYCLES 3000
#define REBIND_EVERY 5

struct soak_ec {
    struct fake_client client;
    struct agent_binding *binding;
    uint64_t connection;
    unsigned expected;   /* notifications it must have had by now */
};

struct wait_for_notifications {
    struct soak_ec *ecs;
};

static int all_notified(void *arg)
{
    struct wait_for_notifications *w = arg;

    for (int i = 0; i < EC_COUNT; ++i)
        if (fake_client_notifications(&w->ecs[i].client) < w->ecs[i].expected)
            return 0;
    return 1;
}

static uint64_t next_connection = 1;

static void ec_bind(struct harness *h, struct soak_ec *e, uint32_t id)
{
    if (agent_binding_create(h->agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, &e->binding) != NAP_RESULT_OK
        || agent_binding_initialize(e->binding, id, &e->client, &fake_admin, NULL) != NAP_RESULT_OK)
        tap_bail("cannot bind a soak EC");
    e->client.binding = e->binding;
    e->connection = next_connection++;
    if (agent_ec_connection_created(e->binding, e->connection) != NAP_RESULT_OK)
        tap_bail("cannot create a connection");
}

static void ec_unbind(struct soak_ec *e)
{
    agent_ec_connection_down(e->binding, e->connection);
    agent_binding_destroy(e->binding);
}

/* One cycle; returns 0 when something did not happen as it must. */
static int cycle(struct harness *h, struct agent_binding *sha, struct soak_ec *ecs, unsigned n)
{
    static const uint32_t ids[] = {SHA_ID};
    struct wait_for_notifications w = {ecs};
    struct agent_soh_decision decision;
    uint8_t response[4000], *raw;
    size_t size, length;
    int hint, good = 1;

    if (agent_sha_notify_soh_change(sha) != NAP_RESULT_OK)
        return 0;
    for (int i = 0; i < EC_COUNT; ++i)
        ++ecs[i].expected;
    good &= harness_run_until(h, all_notified, &w);
    for (int i = 0; i < EC_COUNT; ++i) {
        good &= agent_ec_notify_soh_change_failure(ecs[i].binding) == NAP_RESULT_OK;
        ++ecs[i].expected;
    }
    good &= harness_run_until(h, all_notified, &w);   /* the retries */
    for (int i = 0; i < EC_COUNT; ++i) {
        struct agent_soh_request_params p = params_for((uint8_t)(n + i), 4000);

        raw = NULL;
        good &= agent_ec_build_soh_request(ecs[i].binding, ecs[i].connection, &p, &raw, &size, &hint)
                == NAP_RESULT_OK;
        free(raw);
        good &= agent_ec_soh_request_taken(ecs[i].binding) == NAP_RESULT_OK;
        length = make_response(&p, n % 2 ? 3 : 1, n % 2 ? "http://fix.example.test/" : "", ids, 1, response);
        good &= agent_ec_process_soh_response(ecs[i].binding, ecs[i].connection, response,
                                              length, &decision) == NAP_RESULT_OK;
    }
    good &= harness_settle(h);
    if (n % REBIND_EVERY == 0)
        for (int i = 0; i < EC_COUNT; ++i) {
            ec_unbind(&ecs[i]);
            ec_bind(h, &ecs[i], 100 + (uint32_t)i);
        }
    return good;
}

static void test_a_long_soak_leaves_the_heap_where_it_was(void)
{
    struct harness h;
    struct fake_client sha_client;
    struct agent_binding *sha;
    struct nap_registration r;
    struct soak_ec ecs[EC_COUNT];
    size_t warm, end;
    unsigned n, failed = 0;

    harness_setup(&h);
    fake_client_init(&sha_client, FAKE_ANSWER_OK);
    sha = harness_bind_sha(&h, SHA_ID, &sha_client);
    for (int i = 0; i < EC_COUNT; ++i) {
        memset(&ecs[i], 0, sizeof(ecs[i]));
        fake_client_init(&ecs[i].client, FAKE_ANSWER_OK);
        r = harness_registration(NAP_COMPONENT_ENFORCEMENT_CLIENT, 100 + (uint32_t)i, 1);
        if (agent_register(h.agent, &r) != NAP_RESULT_OK)
            tap_bail("cannot register a soak EC");
        ec_bind(&h, &ecs[i], 100 + (uint32_t)i);
    }
    for (n = 1; n <= WARM_UP_CYCLES; ++n)
        failed += !cycle(&h, sha, ecs, n);
    warm = __sanitizer_get_current_allocated_bytes();
    for (; n <= WARM_UP_CYCLES + MEASURED_CYCLES; ++n)
        failed += !cycle(&h, sha, ecs, n);
    end = __sanitizer_get_current_allocated_bytes();
    ok(failed == 0, "every cycle went as the soak's do: %u of %u failed", failed, n - 1);
    diag("heap in use after %u warm-up cycles: %zu bytes; after %u more (x %d ECs): %zu bytes (%+.2f per EC cycle)",
         WARM_UP_CYCLES, warm, MEASURED_CYCLES, EC_COUNT, end,
         ((double)end - (double)warm) / (MEASURED_CYCLES * EC_COUNT));
    /* A byte per EC cycle would already be 9,000 bytes; the slack covers a libuv or allocator
     * structure that happens to grow once. */
    ok(end <= warm + 4096, "the core's heap stays flat over %u cycles: %zu -> %zu bytes", MEASURED_CYCLES, warm,
       end);
    for (int i = 0; i < EC_COUNT; ++i)
        ec_unbind(&ecs[i]);
    agent_binding_destroy(sha);
    harness_teardown(&h);
    fake_client_free(&sha_client);
    for (int i = 0; i < EC_COUNT; ++i)
        fake_client_free(&ecs[i].client);
}

#define FROZEN_SHA_ID 0x00013791u
#define FROZEN_ROUNDS 20000u
#define FROZEN_WARM_UP 200u

/* An SHA frozen in the first ProcessSoHResponse the agent hands it, and an EC that goes on:
 * 20,000 responses with a part for it, each changing the isolation state, every other one after a
 * request that orphaned the one before. What waits for the SHA stays within its bound (one call
 * of each kind out, AGENT_SHA_*_WAITING behind), the heap stays flat, and once the SHA thaws it
 * gets the newest of what waited. */
static void test_a_frozen_sha_holds_a_bounded_backlog(void)
{
    static const uint32_t ids[] = {FROZEN_SHA_ID};
    struct harness h;
    struct fake_client sha_client, ec;
    struct agent_binding *sha, *e;
    struct agent_snapshot s;
    struct agent_soh_decision decision;
    struct agent_soh_request_params p;
    uint8_t response[4000], *raw;
    size_t size, length, warm = 0, end;
    uint64_t most_out = 0;
    unsigned failed = 0;
    int hint;

    harness_setup(&h);
    fake_client_init(&sha_client, FAKE_FREEZE);
    fake_client_init(&ec, FAKE_ANSWER_OK);
    sha = harness_bind_sha(&h, FROZEN_SHA_ID, &sha_client);
    e = harness_bind_ec(&h, 200, &ec);
    if (agent_ec_connection_created(e, 1) != NAP_RESULT_OK)
        tap_bail("cannot create a connection");
    for (unsigned n = 1; n <= FROZEN_ROUNDS; ++n) {
        p = params_for((uint8_t)n, 4000);
        p.correlation.time += n;   /* a new request every round */
        for (int requests = n % 2 ? 2 : 1; requests; --requests) {
            raw = NULL;
            failed += agent_ec_build_soh_request(e, 1, &p, &raw, &size, &hint) != NAP_RESULT_OK;
            free(raw);
        }
        length = make_response(&p, n % 2 ? 3 : 1, "", ids, 1, response);
        failed += agent_ec_process_soh_response(e, 1, response, length, &decision) != NAP_RESULT_OK;
        uv_run(&h.loop, UV_RUN_NOWAIT);
        if (n % 1000 == 0 && agent_snapshot(h.agent, &s) == NAP_RESULT_OK) {
            if (s.outgoing_calls_outstanding > most_out)
                most_out = s.outgoing_calls_outstanding;
            agent_snapshot_free(&s);
        }
        if (n == FROZEN_WARM_UP)
            warm = __sanitizer_get_current_allocated_bytes();
    }
    end = __sanitizer_get_current_allocated_bytes();
    ok(failed == 0 && fake_client_frozen(&sha_client) == 1, "%u responses processed, the SHA frozen all along: %u failed",
       FROZEN_ROUNDS, failed);
    diag("with the SHA frozen: at most %llu calls out; heap %zu bytes after %u rounds, %zu after %u",
         (unsigned long long)most_out, warm, FROZEN_WARM_UP, end, FROZEN_ROUNDS);
    ok(most_out <= 3, "one call of each kind out for the SHA (response, isolation, orphan): at most %llu",
       (unsigned long long)most_out);
    ok(end <= warm + 4096, "the heap stays flat while the SHA is frozen: %zu -> %zu bytes", warm, end);
    ok(events_of(&h.events, AGENT_EVENT_SHA_BACKLOG_FULL, FROZEN_SHA_ID) == 1,
       "the SHA that does not keep up is reported once: %u", events_of(&h.events, AGENT_EVENT_SHA_BACKLOG_FULL,
                                                                      FROZEN_SHA_ID));
    fake_client_set(&sha_client, FAKE_ANSWER_OK);
    fake_client_unfreeze(&sha_client);
    ok(harness_settle(&h), "once it thaws, what waited for it is handed over");
    ok(fake_client_count(&sha_client, &sha_client.responses) == 1 + AGENT_SHA_RESPONSES_WAITING
           && !memcmp(sha_client.last_correlation.guid, p.correlation.guid, 16)
           && sha_client.last_correlation.time == p.correlation.time,
       "it got the first response and the %u newest: %u, the last one the newest", AGENT_SHA_RESPONSES_WAITING,
       fake_client_count(&sha_client, &sha_client.responses));
    ok(fake_client_count(&sha_client, &sha_client.isolation_notices) <= 2
           && fake_client_count(&sha_client, &sha_client.orphan_notices) <= 1 + AGENT_SHA_ORPHANS_WAITING,
       "isolation notices merged, orphans bounded: %u and %u", fake_client_count(&sha_client,
                                                                                  &sha_client.isolation_notices),
       fake_client_count(&sha_client, &sha_client.orphan_notices));
    agent_ec_connection_down(e, 1);
    agent_binding_destroy(e);
    agent_binding_destroy(sha);
    harness_teardown(&h);
    fake_client_free(&sha_client);
    fake_client_free(&ec);
}

int main(void)
{
    test_a_long_soak_leaves_the_heap_where_it_was();
    test_a_frozen_sha_holds_a_bounded_backlog();
    return tap_done();
}
