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
        || agent_binding_initialize(e->binding, id, &e->client) != NAP_RESULT_OK)
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
        good &= agent_ec_process_soh_response(ecs[i].binding, ecs[i].connection, &p.correlation, response,
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
    sha_client.sha_id = SHA_ID;
    r = harness_registration(NAP_COMPONENT_SYSTEM_HEALTH_AGENT, SHA_ID, 1);
    if (agent_register(h.agent, &r) != NAP_RESULT_OK
        || agent_binding_create(h.agent, NAP_COMPONENT_SYSTEM_HEALTH_AGENT, &sha) != NAP_RESULT_OK
        || agent_binding_initialize(sha, SHA_ID, &sha_client) != NAP_RESULT_OK)
        tap_bail("cannot bind the SHA");
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

int main(void)
{
    test_a_long_soak_leaves_the_heap_where_it_was();
    return tap_done();
}
