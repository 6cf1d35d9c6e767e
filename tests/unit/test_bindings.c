/* Initialize/Uninitialize for ECs and SHAs: the documented errors, one live binding per id,
 * client_release exactly once, and what needs Initialize first. */
#include "harness.h"

static struct agent_binding *new_binding(struct harness *h, enum nap_component_kind kind)
{
    struct agent_binding *b = NULL;

    if (agent_binding_create(h->agent, kind, &b) != NAP_RESULT_OK)
        tap_bail("cannot create a binding");
    return b;
}

static void register_id(struct harness *h, enum nap_component_kind kind, uint32_t id, int enabled)
{
    struct nap_registration r = harness_registration(kind, id, enabled);

    if (agent_register(h->agent, &r) != NAP_RESULT_OK)
        tap_bail("cannot register");
}

static void test_initialize_unregistered_is_not_registered(void)
{
    struct harness h;
    struct fake_client f;
    struct agent_binding *b;
    nap_result res;

    harness_setup(&h);
    fake_client_init(&f, FAKE_ANSWER_OK);
    b = new_binding(&h, NAP_COMPONENT_ENFORCEMENT_CLIENT);
    res = agent_binding_initialize(b, 79617, &f, &fake_admin, NULL);
    ok(res == NAP_RESULT_NOT_REGISTERED, "expected NOT_REGISTERED, got %#x", (unsigned)res);
    ok(events_of(&h.events, AGENT_EVENT_INITIALIZE_REFUSED, 79617) == 1,
       "expected INITIALIZE_REFUSED, got %u", events_of(&h.events, AGENT_EVENT_INITIALIZE_REFUSED, 79617));
    agent_binding_destroy(b);
    harness_teardown(&h);
    ok(fake_client_releases(&f) == 0, "expected no release for a refused client, got %u",
       fake_client_releases(&f));
    fake_client_free(&f);
}

static void test_initialize_disabled_ec_is_entity_disabled(void)
{
    struct harness h;
    struct fake_client f;
    struct agent_binding *b;
    nap_result res;

    harness_setup(&h);
    fake_client_init(&f, FAKE_ANSWER_OK);
    register_id(&h, NAP_COMPONENT_ENFORCEMENT_CLIENT, 5, 0);
    b = new_binding(&h, NAP_COMPONENT_ENFORCEMENT_CLIENT);
    res = agent_binding_initialize(b, 5, &f, &fake_admin, NULL);
    ok(res == NAP_RESULT_ENTITY_DISABLED, "expected ENTITY_DISABLED, got %#x", (unsigned)res);
    agent_set_enabled(h.agent, 5, 1);
    res = agent_binding_initialize(b, 5, &f, &fake_admin, NULL);
    ok(res == NAP_RESULT_OK, "expected OK once enabled, got %#x", (unsigned)res);
    agent_binding_destroy(b);
    harness_teardown(&h);
    fake_client_free(&f);
}

static void test_second_initialize_on_a_binding_is_already_initialized(void)
{
    struct harness h;
    struct fake_client f;
    struct agent_binding *b;
    nap_result res;

    harness_setup(&h);
    fake_client_init(&f, FAKE_ANSWER_OK);
    b = harness_bind_ec(&h, 1, &f);
    res = agent_binding_initialize(b, 1, &f, &fake_admin, NULL);
    ok(res == NAP_RESULT_ALREADY_INITIALIZED, "expected ALREADY_INITIALIZED, got %#x", (unsigned)res);
    agent_binding_destroy(b);
    harness_teardown(&h);
    ok(fake_client_releases(&f) == 1, "expected exactly one release, got %u", fake_client_releases(&f));
    fake_client_free(&f);
}

static void test_id_bound_elsewhere_is_already_initialized(void)
{
    struct harness h;
    struct fake_client f, g;
    struct agent_binding *b, *other;
    nap_result res;

    harness_setup(&h);
    fake_client_init(&f, FAKE_ANSWER_OK);
    fake_client_init(&g, FAKE_ANSWER_OK);
    b = harness_bind_ec(&h, 1, &f);
    other = new_binding(&h, NAP_COMPONENT_ENFORCEMENT_CLIENT);
    res = agent_binding_initialize(other, 1, &g, &fake_admin, NULL);
    ok(res == NAP_RESULT_ALREADY_INITIALIZED, "expected ALREADY_INITIALIZED, got %#x", (unsigned)res);
    agent_binding_uninitialize(b);
    res = agent_binding_initialize(other, 1, &g, &fake_admin, NULL);
    ok(res == NAP_RESULT_OK, "expected the id bindable after Uninitialize, got %#x", (unsigned)res);
    agent_binding_destroy(b);
    agent_binding_destroy(other);
    harness_teardown(&h);
    fake_client_free(&f);
    fake_client_free(&g);
}

static void test_uninitialize_releases_the_client_once(void)
{
    struct harness h;
    struct fake_client f;
    struct agent_binding *b;
    nap_result res;

    harness_setup(&h);
    fake_client_init(&f, FAKE_ANSWER_OK);
    b = harness_bind_ec(&h, 1, &f);
    res = agent_binding_uninitialize(b);
    ok(res == NAP_RESULT_OK, "expected OK, got %#x", (unsigned)res);
    ok(harness_settle(&h), "expected the release to complete, got %s", "a timeout");
    ok(fake_client_releases(&f) == 1 && f.released_died == 0,
       "expected one release, not died, got %u/%d", fake_client_releases(&f), f.released_died);
    res = agent_binding_uninitialize(b);
    ok(res == NAP_RESULT_NOT_INITIALIZED, "expected NOT_INITIALIZED the second time, got %#x",
       (unsigned)res);
    ok(events_of(&h.events, AGENT_EVENT_UNBOUND, 1) == 1, "expected one UNBOUND, got %u",
       events_of(&h.events, AGENT_EVENT_UNBOUND, 1));
    agent_binding_destroy(b);
    harness_teardown(&h);
    ok(fake_client_releases(&f) == 1, "expected still one release after teardown, got %u",
       fake_client_releases(&f));
    fake_client_free(&f);
}

static void test_calls_before_initialize_are_not_initialized(void)
{
    struct harness h;
    struct agent_binding *ec, *sha;
    nap_result res;

    harness_setup(&h);
    ec = new_binding(&h, NAP_COMPONENT_ENFORCEMENT_CLIENT);
    sha = new_binding(&h, NAP_COMPONENT_SYSTEM_HEALTH_AGENT);
    res = agent_ec_notify_soh_change_failure(ec);
    ok(res == NAP_RESULT_NOT_INITIALIZED, "expected NOT_INITIALIZED for the failure, got %#x", (unsigned)res);
    res = agent_ec_soh_request_taken(ec);
    ok(res == NAP_RESULT_NOT_INITIALIZED, "expected NOT_INITIALIZED for GetSoHRequest, got %#x", (unsigned)res);
    res = agent_ec_connection_created(ec, 1);
    ok(res == NAP_RESULT_NOT_INITIALIZED, "expected NOT_INITIALIZED for CreateConnection, got %#x", (unsigned)res);
    res = agent_ec_connection_check(ec);
    ok(res == NAP_RESULT_NOT_INITIALIZED, "expected NOT_INITIALIZED for a connection check, got %#x", (unsigned)res);
    res = agent_binding_check(sha);
    ok(res == NAP_RESULT_NOT_INITIALIZED, "expected NOT_INITIALIZED for an unbound SHA, got %#x", (unsigned)res);
    res = agent_binding_uninitialize(ec);
    ok(res == NAP_RESULT_NOT_INITIALIZED, "expected NOT_INITIALIZED for Uninitialize, got %#x", (unsigned)res);
    res = agent_sha_notify_soh_change(sha);
    ok(res == NAP_RESULT_NOT_INITIALIZED, "expected NOT_INITIALIZED for the SHA's change, got %#x", (unsigned)res);
    agent_binding_destroy(ec);
    agent_binding_destroy(sha);
    harness_teardown(&h);
}

static void test_ec_call_on_sha_binding_is_invalid_arg(void)
{
    struct harness h;
    struct agent_binding *sha;
    nap_result res;

    harness_setup(&h);
    sha = new_binding(&h, NAP_COMPONENT_SYSTEM_HEALTH_AGENT);
    res = agent_ec_notify_soh_change_failure(sha);
    ok(res == NAP_RESULT_INVALID_ARG, "expected INVALID_ARG, got %#x", (unsigned)res);
    res = agent_ec_notify_soh_change_failure(NULL);
    ok(res == NAP_RESULT_NULL_POINTER, "expected NULL_POINTER, got %#x", (unsigned)res);
    agent_binding_destroy(sha);
    harness_teardown(&h);
}

static void test_sha_binds_and_its_change_reaches_every_ec(void)
{
    struct harness h;
    struct fake_client sha_client, e1, e2;
    struct agent_binding *sha, *b1, *b2;
    nap_result res;

    harness_setup(&h);
    fake_client_init(&sha_client, FAKE_ANSWER_OK);
    fake_client_init(&e1, FAKE_ANSWER_OK);
    fake_client_init(&e2, FAKE_ANSWER_OK);
    register_id(&h, NAP_COMPONENT_SYSTEM_HEALTH_AGENT, 0x137, 1);
    sha = new_binding(&h, NAP_COMPONENT_SYSTEM_HEALTH_AGENT);
    res = agent_binding_initialize(sha, 0x137, &sha_client, &fake_admin, NULL);
    ok(res == NAP_RESULT_OK, "expected the SHA bound, got %#x", (unsigned)res);
    b1 = harness_bind_ec(&h, 1, &e1);
    b2 = harness_bind_ec(&h, 2, &e2);
    res = agent_sha_notify_soh_change(sha);
    ok(res == NAP_RESULT_OK, "expected OK, got %#x", (unsigned)res);
    ok(harness_settle(&h), "expected the notifications to complete, got %s", "a timeout");
    ok(fake_client_notifications(&e1) == 1 && fake_client_notifications(&e2) == 1,
       "expected one notification per EC, got %u/%u", fake_client_notifications(&e1),
       fake_client_notifications(&e2));
    ok(fake_client_notifications(&sha_client) == 0, "expected no EC call on the SHA, got %u",
       fake_client_notifications(&sha_client));
    res = agent_binding_uninitialize(sha);
    ok(res == NAP_RESULT_OK, "expected the SHA unbound, got %#x", (unsigned)res);
    agent_binding_destroy(sha);
    agent_binding_destroy(b1);
    agent_binding_destroy(b2);
    harness_teardown(&h);
    ok(fake_client_releases(&sha_client) == 1, "expected the SHA released once, got %u",
       fake_client_releases(&sha_client));
    fake_client_free(&sha_client);
    fake_client_free(&e1);
    fake_client_free(&e2);
}

static void test_connection_limit_is_out_of_memory(void)
{
    struct harness h;
    struct fake_client f;
    struct agent_binding *b;
    nap_result res = NAP_RESULT_OK;

    harness_setup(&h);
    fake_client_init(&f, FAKE_ANSWER_OK);
    b = harness_bind_ec(&h, 1, &f);
    res = agent_binding_check(b);
    ok(res == NAP_RESULT_OK, "expected a bound EC to pass the bound check, got %#x", (unsigned)res);
    res = agent_ec_connection_check(b);
    ok(res == NAP_RESULT_INVALID_ARG, "expected INVALID_ARG before any connection, got %#x", (unsigned)res);
    res = agent_ec_connection_created(b, 100);
    ok(res == NAP_RESULT_OK, "expected the first connection, got %#x", (unsigned)res);
    res = agent_ec_connection_check(b);
    ok(res == NAP_RESULT_OK, "expected OK once a connection exists, got %#x", (unsigned)res);
    res = agent_ec_connection_created(b, 100);
    ok(res == NAP_RESULT_INVALID_ARG, "expected INVALID_ARG for a key already held, got %#x", (unsigned)res);
    for (unsigned i = 1; i < NAP_MAX_CONNECTION_COUNT_PER_ENFORCER && res != NAP_RESULT_OUT_OF_MEMORY; ++i)
        res = agent_ec_connection_created(b, 100 + i);
    ok(res == NAP_RESULT_OK, "expected 20 connections, got %#x", (unsigned)res);
    res = agent_ec_connection_created(b, 200);
    ok(res == NAP_RESULT_OUT_OF_MEMORY, "expected OUT_OF_MEMORY for the 21st, got %#x", (unsigned)res);
    res = agent_ec_connection_down(b, 200);
    ok(res == NAP_RESULT_INVALID_ARG, "expected INVALID_ARG for a key never created, got %#x", (unsigned)res);
    res = agent_ec_connection_down(b, 105);
    ok(res == NAP_RESULT_OK, "expected a connection down, got %#x", (unsigned)res);
    res = agent_ec_connection_down(b, 105);
    ok(res == NAP_RESULT_INVALID_ARG, "expected INVALID_ARG for a connection already down, got %#x", (unsigned)res);
    res = agent_ec_connection_created(b, 200);
    ok(res == NAP_RESULT_OK, "expected room again after a connection went down, got %#x", (unsigned)res);
    agent_binding_destroy(b);
    harness_teardown(&h);
    fake_client_free(&f);
}

static void test_destroying_a_bound_binding_releases_its_client(void)
{
    struct harness h;
    struct fake_client f;
    struct agent_binding *b;

    harness_setup(&h);
    fake_client_init(&f, FAKE_ANSWER_OK);
    b = harness_bind_ec(&h, 1, &f);
    agent_binding_destroy(b);
    ok(harness_settle(&h), "expected the release to complete, got %s", "a timeout");
    ok(fake_client_releases(&f) == 1, "expected one release, got %u", fake_client_releases(&f));
    harness_teardown(&h);
    fake_client_free(&f);
}

static void test_stop_releases_bound_clients_and_refuses_calls(void)
{
    struct harness h;
    struct fake_client f;
    struct agent_binding *b;
    nap_result res;

    harness_setup(&h);
    fake_client_init(&f, FAKE_ANSWER_OK);
    b = harness_bind_ec(&h, 1, &f);
    agent_stop(h.agent);
    ok(fake_client_releases(&f) == 1, "expected the client released by stop, got %u",
       fake_client_releases(&f));
    res = agent_ec_notify_soh_change_failure(b);
    ok(res == NAP_RESULT_SERVICE_NOT_RUNNING, "expected SERVICE_NOT_RUNNING, got %#x", (unsigned)res);
    res = agent_raise_soh_change(h.agent);
    ok(res == NAP_RESULT_SERVICE_NOT_RUNNING, "expected SERVICE_NOT_RUNNING for a change, got %#x",
       (unsigned)res);
    agent_binding_destroy(b);
    harness_teardown(&h);
    fake_client_free(&f);
}

int main(void)
{
    test_initialize_unregistered_is_not_registered();
    test_initialize_disabled_ec_is_entity_disabled();
    test_second_initialize_on_a_binding_is_already_initialized();
    test_id_bound_elsewhere_is_already_initialized();
    test_uninitialize_releases_the_client_once();
    test_calls_before_initialize_are_not_initialized();
    test_ec_call_on_sha_binding_is_invalid_arg();
    test_sha_binds_and_its_change_reaches_every_ec();
    test_connection_limit_is_out_of_memory();
    test_destroying_a_bound_binding_releases_its_client();
    test_stop_releases_bound_clients_and_refuses_calls();
    return tap_done();
}
