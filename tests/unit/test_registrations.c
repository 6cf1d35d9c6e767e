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
    res = agent_unregister(h.agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, 12345, &fake_admin);
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
    res = agent_unregister(h.agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, 3, &fake_admin);
    ok(res == NAP_RESULT_STILL_BOUND, "expected STILL_BOUND, got %#x", (unsigned)res);
    agent_binding_uninitialize(b);
    harness_settle(&h);
    res = agent_unregister(h.agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, 3, &fake_admin);
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

/* Ownership: the account that registered an id, LocalSystem and administrators may bind it and
 * unregister it; nobody else, whether the id is bound or not, and a refusal comes first (the
 * holder is not even asked whether it is alive). Registrations without an owner (written before
 * owners were kept) are the privileged callers' only. */
static void test_only_the_owner_and_administrators_act_for_an_id(void)
{
    static const struct agent_caller alice = {{{1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1}, 13}, 0};
    static const struct agent_caller mallory = {{{1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 2}, 13}, 0};
    struct harness h;
    struct nap_registration owned = harness_registration(NAP_COMPONENT_ENFORCEMENT_CLIENT, 41, 1);
    struct nap_registration ownerless = harness_registration(NAP_COMPONENT_SYSTEM_HEALTH_AGENT, 42, 1);
    struct fake_client holder, squatter;
    struct agent_binding *held, *other;
    struct nap_identity owner;
    nap_result res;

    harness_setup(&h);
    fake_client_init(&holder, FAKE_ANSWER_OK);
    fake_client_init(&squatter, FAKE_ANSWER_OK);
    owned.owner = alice.identity;
    agent_register(h.agent, &owned);
    agent_register(h.agent, &ownerless);
    agent_binding_create(h.agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, &held);
    agent_binding_create(h.agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, &other);

    res = agent_binding_initialize(other, 41, &squatter, &mallory, NULL);
    ok(res == NAP_RESULT_ACCESS_DENIED, "another account cannot bind an id it did not register: %#x", (unsigned)res);
    memset(&owner, 0, sizeof(owner));
    res = agent_binding_initialize(held, 41, &holder, &alice, &owner);
    ok(res == NAP_RESULT_OK && nap_identity_equal(&owner, &alice.identity),
       "its owner can, and learns the owner: %#x", (unsigned)res);
    res = agent_binding_initialize(other, 41, &squatter, &mallory, NULL);
    ok(res == NAP_RESULT_ACCESS_DENIED && fake_client_count(&holder, &holder.alive_probes) == 0,
       "nor while it is bound, and the holder is not asked: %#x, %u probes", (unsigned)res,
       fake_client_count(&holder, &holder.alive_probes));
    ok(events_of(&h.events, AGENT_EVENT_INITIALIZE_REFUSED, 41) == 2
           && last_event(&h.events, AGENT_EVENT_INITIALIZE_REFUSED, 41).result == NAP_RESULT_ACCESS_DENIED,
       "each refusal is reported with ACCESS_DENIED: %u", events_of(&h.events, AGENT_EVENT_INITIALIZE_REFUSED, 41));
    res = agent_unregister(h.agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, 41, &mallory);
    ok(res == NAP_RESULT_ACCESS_DENIED, "another account cannot unregister it: %#x", (unsigned)res);
    res = agent_unregister(h.agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, 43, &mallory);
    ok(res == NAP_RESULT_ID_NOT_FOUND, "an id nobody registered is not found, for anyone: %#x", (unsigned)res);
    agent_binding_uninitialize(held);
    res = agent_binding_initialize(other, 41, &squatter, &fake_admin, NULL);
    ok(res == NAP_RESULT_OK, "an administrator can bind any id: %#x", (unsigned)res);
    agent_binding_uninitialize(other);

    agent_binding_destroy(other);
    agent_binding_create(h.agent, NAP_COMPONENT_SYSTEM_HEALTH_AGENT, &other);
    res = agent_binding_initialize(other, 42, &squatter, &alice, NULL);
    ok(res == NAP_RESULT_ACCESS_DENIED, "an id registered without an owner is not an ordinary account's: %#x",
       (unsigned)res);
    res = agent_binding_initialize(other, 42, &squatter, &fake_admin, &owner);
    ok(res == NAP_RESULT_OK && owner.sid_size == 0, "but an administrator's: %#x", (unsigned)res);
    agent_binding_uninitialize(other);

    res = agent_unregister(h.agent, NAP_COMPONENT_ENFORCEMENT_CLIENT, 41, &alice);
    ok(res == NAP_RESULT_OK, "the owner can unregister its id: %#x", (unsigned)res);
    agent_binding_destroy(held);
    agent_binding_destroy(other);
    harness_teardown(&h);
    fake_client_free(&holder);
    fake_client_free(&squatter);
}

/* The owner is kept with the registration: saved, and loaded again by the next agent. */
static void test_owner_is_stored(void)
{
    struct harness h;
    struct nap_registration r = harness_registration(NAP_COMPONENT_ENFORCEMENT_CLIENT, 44, 1), stored;
    static const struct nap_identity bob = {{1, 1, 0, 0, 0, 0, 0, 5, 18}, 9};

    harness_setup(&h);
    r.owner = bob;
    agent_register(h.agent, &r);
    ok(memory_store_get(&h.store, NAP_COMPONENT_ENFORCEMENT_CLIENT, 44, &stored)
           && nap_identity_equal(&stored.owner, &bob),
       "the registration is saved with its owner");
    nap_registration_clear(&stored);
    r.owner.sid_size = NAP_MAX_SID_BYTES + 1;
    r.id = 45;
    ok(agent_register(h.agent, &r) == NAP_RESULT_INVALID_ARG, "an owner longer than a SID is refused");
    harness_teardown(&h);
}

int main(void)
{
    test_only_the_owner_and_administrators_act_for_an_id();
    test_owner_is_stored();
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
