/* Registrations through the agent: the documented errors, the limits, persistence through the
 * storage interface, and the enabled flag. */
#include "harness.h"

static void test_register_persists_and_lists(void)
{
    struct harness h;
    struct nap_registration r = harness_registration(NAP_COMPONENT_ENFORCEMENT_CLIENT, 79617, 0);
    struct nap_registration stored, *list;
    size_t count;
    nap_result res;

    harness_setup(&h);
    res = agent_register(h.agent, &r);
    ok(res == NAP_RESULT_OK, "expected OK, got %#x", (unsigned)res);
    ok(memory_store_get(&h.store, NAP_COMPONENT_ENFORCEMENT_CLIENT, 79617, &stored),
       "expected the registration saved to storage, got %s", "nothing");
    ok(stored.friendly_name.length == 4 && stored.friendly_name.chars[0] == 'f'
       && stored.info_clsid[0] == 0xAB, "expected the saved copy to match, got length %u",
       stored.friendly_name.length);
    nap_registration_clear(&stored);
    res = agent_list_registrations(h.agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, &list, &count);
    ok(res == NAP_RESULT_OK && count == 1 && list[0].id == 79617,
       "expected one listed EC 79617, got %#x count %zu", (unsigned)res, count);
    nap_registrations_free(list, count);
    ok(events_of(&h.events, AGENT_EVENT_REGISTERED, 79617) == 1,
       "expected one REGISTERED event, got %u", events_of(&h.events, AGENT_EVENT_REGISTERED, 79617));
    harness_teardown(&h);
}

static void test_register_twice_is_conflicting_id(void)
{
    struct harness h;
    struct nap_registration r = harness_registration(NAP_COMPONENT_SYSTEM_HEALTH_AGENT, 7, 1);
    nap_result res;

    harness_setup(&h);
    agent_register(h.agent, &r);
    res = agent_register(h.agent, &r);
    ok(res == NAP_RESULT_CONFLICTING_ID, "expected CONFLICTING_ID, got %#x", (unsigned)res);
    harness_teardown(&h);
}

static void test_same_id_for_ec_and_sha_does_not_conflict(void)
{
    struct harness h;
    struct nap_registration ec = harness_registration(NAP_COMPONENT_ENFORCEMENT_CLIENT, 7, 1);
    struct nap_registration sha = harness_registration(NAP_COMPONENT_SYSTEM_HEALTH_AGENT, 7, 1);
    nap_result res;

    harness_setup(&h);
    agent_register(h.agent, &ec);
    res = agent_register(h.agent, &sha);
    ok(res == NAP_RESULT_OK, "expected EC and SHA ids to be separate, got %#x", (unsigned)res);
    harness_teardown(&h);
}

static void test_register_past_the_limit_is_out_of_memory(void)
{
    struct harness h;
    nap_result res = NAP_RESULT_OK;

    harness_setup(&h);
    for (uint32_t id = 1; id <= NAP_MAX_ENFORCER_COUNT; ++id) {
        struct nap_registration r = harness_registration(NAP_COMPONENT_ENFORCEMENT_CLIENT, id, 1);
        if ((res = agent_register(h.agent, &r)) != NAP_RESULT_OK)
            break;
    }
    ok(res == NAP_RESULT_OK, "expected 20 ECs accepted, got %#x", (unsigned)res);
    {
        struct nap_registration r = harness_registration(NAP_COMPONENT_ENFORCEMENT_CLIENT, 99, 1);
        res = agent_register(h.agent, &r);
    }
    ok(res == NAP_RESULT_OUT_OF_MEMORY, "expected OUT_OF_MEMORY for the 21st EC, got %#x", (unsigned)res);
    ok(events_of(&h.events, AGENT_EVENT_LIMIT_REACHED, 99) == 1, "expected LIMIT_REACHED, got %u",
       events_of(&h.events, AGENT_EVENT_LIMIT_REACHED, 99));
    harness_teardown(&h);
}

static void test_limit_is_configuration(void)
{
    struct harness h;
    struct agent_config c;
    nap_result res = NAP_RESULT_OK;

    harness_config(&c);
    c.max_health_agents = 100;
    harness_setup_with(&h, &c);
    for (uint32_t id = 1; id <= 100 && res == NAP_RESULT_OK; ++id) {
        struct nap_registration r = harness_registration(NAP_COMPONENT_SYSTEM_HEALTH_AGENT, id, 1);
        res = agent_register(h.agent, &r);
    }
    ok(res == NAP_RESULT_OK, "expected 100 SHAs under a raised limit, got %#x", (unsigned)res);
    harness_teardown(&h);
}

static void test_overlong_string_is_invalid_arg(void)
{
    struct harness h;
    struct nap_registration r = harness_registration(NAP_COMPONENT_ENFORCEMENT_CLIENT, 5, 1);
    static uint16_t big[NAP_MAX_STRING_LENGTH + 1];
    nap_result res;

    harness_setup(&h);
    r.description.length = NAP_MAX_STRING_LENGTH + 1;
    r.description.chars = big;
    res = agent_register(h.agent, &r);
    ok(res == NAP_RESULT_INVALID_ARG, "expected INVALID_ARG, got %#x", (unsigned)res);
    harness_teardown(&h);
}

static void test_unregister_unknown_is_id_not_found(void)
{
    struct harness h;
    nap_result res;

    harness_setup(&h);
    res = agent_unregister(h.agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, 12345);
    ok(res == NAP_RESULT_ID_NOT_FOUND, "expected ID_NOT_FOUND, got %#x", (unsigned)res);
    harness_teardown(&h);
}

static void test_unregister_bound_is_still_bound(void)
{
    struct harness h;
    struct fake_client f;
    struct agent_binding *b;
    nap_result res;

    harness_setup(&h);
    fake_client_init(&f, FAKE_ANSWER_OK);
    b = harness_bind_ec(&h, 3, &f);
    res = agent_unregister(h.agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, 3);
    ok(res == NAP_RESULT_STILL_BOUND, "expected STILL_BOUND, got %#x", (unsigned)res);
    agent_binding_uninitialize(b);
    harness_settle(&h);
    res = agent_unregister(h.agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, 3);
    ok(res == NAP_RESULT_OK, "expected OK once unbound, got %#x", (unsigned)res);
    ok(memory_store_count(&h.store) == 0, "expected the storage emptied, got %zu",
       memory_store_count(&h.store));
    agent_binding_destroy(b);
    harness_teardown(&h);
    fake_client_free(&f);
}

static void test_storage_failure_leaves_nothing_registered(void)
{
    struct harness h;
    struct nap_registration r = harness_registration(NAP_COMPONENT_ENFORCEMENT_CLIENT, 8, 1);
    struct nap_registration *list;
    size_t count;
    nap_result res;

    harness_setup(&h);
    memory_store_fail_next(&h.store, (nap_result)0x80070005u);
    res = agent_register(h.agent, &r);
    ok(res == (nap_result)0x80070005u, "expected the storage's error, got %#x", (unsigned)res);
    agent_list_registrations(h.agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, &list, &count);
    ok(count == 0, "expected nothing registered, got %zu", count);
    nap_registrations_free(list, count);
    ok(events_of(&h.events, AGENT_EVENT_STORAGE_FAILED, 8) == 1, "expected STORAGE_FAILED, got %u",
       events_of(&h.events, AGENT_EVENT_STORAGE_FAILED, 8));
    harness_teardown(&h);
}

static void test_registrations_are_loaded_at_create(void)
{
    struct harness h;
    struct nap_registration r = harness_registration(NAP_COMPONENT_ENFORCEMENT_CLIENT, 42, 1);
    struct nap_registration *list;
    struct agent_config c;
    size_t count;

    harness_setup(&h);
    agent_register(h.agent, &r);
    agent_destroy(h.agent);
    harness_config(&c);
    agent_create(&c, &h.deps, &h.loop, &h.agent, NULL);
    agent_list_registrations(h.agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, &list, &count);
    ok(count == 1 && list[0].id == 42 && list[0].enabled == 1,
       "expected EC 42 (enabled) back from storage, got %zu", count);
    nap_registrations_free(list, count);
    harness_teardown(&h);
}

static void test_set_enabled_persists_and_unknown_is_id_not_found(void)
{
    struct harness h;
    struct nap_registration r = harness_registration(NAP_COMPONENT_ENFORCEMENT_CLIENT, 9, 0);
    struct nap_registration stored;
    nap_result res;

    harness_setup(&h);
    agent_register(h.agent, &r);
    res = agent_set_enabled(h.agent, 9, 1);
    ok(res == NAP_RESULT_OK, "expected OK, got %#x", (unsigned)res);
    memory_store_get(&h.store, NAP_COMPONENT_ENFORCEMENT_CLIENT, 9, &stored);
    ok(stored.enabled == 1, "expected enabled saved, got %d", stored.enabled);
    nap_registration_clear(&stored);
    res = agent_set_enabled(h.agent, 10, 1);
    ok(res == NAP_RESULT_ID_NOT_FOUND, "expected ID_NOT_FOUND, got %#x", (unsigned)res);
    harness_teardown(&h);
}

static void test_list_is_ordered_by_id(void)
{
    struct harness h;
    uint32_t ids[] = { 30, 10, 20 };
    struct nap_registration *list;
    size_t count;

    harness_setup(&h);
    for (int i = 0; i < 3; ++i) {
        struct nap_registration r = harness_registration(NAP_COMPONENT_SYSTEM_HEALTH_AGENT, ids[i], 1);
        agent_register(h.agent, &r);
    }
    agent_list_registrations(h.agent, NAP_COMPONENT_SYSTEM_HEALTH_AGENT, &list, &count);
    ok(count == 3 && list[0].id == 10 && list[1].id == 20 && list[2].id == 30,
       "expected 10,20,30, got %zu entries", count);
    nap_registrations_free(list, count);
    harness_teardown(&h);
}

int main(void)
{
    test_register_persists_and_lists();
    test_register_twice_is_conflicting_id();
    test_same_id_for_ec_and_sha_does_not_conflict();
    test_register_past_the_limit_is_out_of_memory();
    test_limit_is_configuration();
    test_overlong_string_is_invalid_arg();
    test_unregister_unknown_is_id_not_found();
    test_unregister_bound_is_still_bound();
    test_storage_failure_leaves_nothing_registered();
    test_registrations_are_loaded_at_create();
    test_set_enabled_persists_and_unknown_is_id_not_found();
    test_list_is_ordered_by_id();
    return tap_done();
}
