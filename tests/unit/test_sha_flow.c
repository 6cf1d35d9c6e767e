/* The agent's side of system health agents and of the SoH exchange, on a loop the test runs:
 * GetSoHRequest on an SHA's NotifySoHChange (changed, unchanged, failed, dead, merged), the SoH
 * held per SHA (cache, flush), the network SoH request an EC's GetSoHRequest gets (decoded here
 * with the codec: order, stand-ins, trimming, retriggerHint), ProcessSoHResponse (dispatch to
 * SHAs, decision, bad packets, mismatched ids), orphaned requests and the system isolation
 * state. */
#include "harness.h"
#include "exchange_builders.h"
#include "soh_message.h"

#define SHA_A 0x00013781u
#define SHA_B 0x00013782u
#define SHA_C 0x00013783u
#define NAP_RESULT_NOT_IMPLEMENTED ((nap_result)0x80004001u)

static void register_sha(struct harness *h, uint32_t id)
{
    struct nap_registration r = harness_registration(NAP_COMPONENT_SYSTEM_HEALTH_AGENT, id, 1);

    if (agent_register(h->agent, &r) != NAP_RESULT_OK)
        tap_bail("cannot register an SHA");
}

/* Raises an SHA's change and waits until it was asked and everything it caused has run. */
static int sha_change(struct harness *h, struct agent_binding *sha)
{
    return agent_sha_notify_soh_change(sha) == NAP_RESULT_OK && harness_settle(h);
}

/* Builds a request on connection key; the bytes go to *out (decoded) and *raw (freed by caller). */
static nap_result build(struct agent_binding *ec, uint64_t key, const struct agent_soh_request_params *p,
                        struct soh_message *out, uint8_t **raw, size_t *size, int *hint)
{
    nap_result result = agent_ec_build_soh_request(ec, key, p, raw, size, hint);

    if (!nap_failed(result) && soh_request_decode(*raw, *size, out) != SOH_OK)
        return NAP_RESULT_INVALID_PACKET;
    return result;
}

/* Reads the FailureCategory and the first ErrorCodes entry of a report; 0 when absent. */
static void stand_in_of(const struct soh_report *r, unsigned *category, uint32_t *error)
{
    *category = 0;
    *error = 0;
    for (uint16_t i = 0; i < r->count; ++i) {
        if (r->attributes[i].type == SOH_ATTR_FAILURE_CATEGORY && r->attributes[i].size == 1)
            *category = r->attributes[i].value[0];
        if (r->attributes[i].type == SOH_ATTR_ERROR_CODES && r->attributes[i].size >= 4)
            *error = (uint32_t)r->attributes[i].value[0] << 24 | (uint32_t)r->attributes[i].value[1] << 16
                     | (uint32_t)r->attributes[i].value[2] << 8 | r->attributes[i].value[3];
    }
}

static void test_sha_change_asks_the_sha_then_notifies_ecs(void)
{
    struct harness h;
    struct fake_client sha, ec;
    struct agent_binding *s, *e;

    harness_setup(&h);
    fake_client_init(&sha, FAKE_ANSWER_OK);
    fake_client_init(&ec, FAKE_ANSWER_OK);
    s = harness_bind_sha(&h, SHA_A, &sha);
    e = harness_bind_ec(&h, 1, &ec);
    ok(sha_change(&h, s), "expected the change to settle, got %s", "a timeout");
    ok(fake_client_count(&sha, &sha.soh_requests) == 1 && fake_client_notifications(&ec) == 1,
       "expected the SHA asked once and the EC notified once, got %u and %u",
       fake_client_count(&sha, &sha.soh_requests), fake_client_notifications(&ec));
    ok(sha.held_size == 0, "expected nothing held before the first answer, got %zu bytes", sha.held_size);
    ok(!sha.called_on_loop_thread, "expected the SHA called off the loop, got %d", sha.called_on_loop_thread);
    ok(events_of(&h.events, AGENT_EVENT_SHA_SOH_CHANGED, SHA_A) == 1, "expected SHA_SOH_CHANGED, got %u",
       events_of(&h.events, AGENT_EVENT_SHA_SOH_CHANGED, SHA_A));

    /* The same SoH again: no new exchange. */
    agent_ec_soh_request_taken(e);
    sha.same_soh = 1;
    ok(sha_change(&h, s), "expected the second change to settle, got %s", "a timeout");
    ok(fake_client_count(&sha, &sha.soh_requests) == 2 && fake_client_notifications(&ec) == 1,
       "expected the SHA asked again but no EC notification, got %u and %u",
       fake_client_count(&sha, &sha.soh_requests), fake_client_notifications(&ec));
    ok(sha.held_size == FAKE_SOH_SIZE, "expected the request pre-loaded with the held SoH, got %zu bytes",
       sha.held_size);
    ok(events_of(&h.events, AGENT_EVENT_SHA_SOH_UNCHANGED, SHA_A) == 1, "expected SHA_SOH_UNCHANGED, got %u",
       events_of(&h.events, AGENT_EVENT_SHA_SOH_UNCHANGED, SHA_A));

    /* A new SoH: a new exchange. */
    sha.same_soh = 0;
    ok(sha_change(&h, s), "expected the third change to settle, got %s", "a timeout");
    ok(fake_client_notifications(&ec) == 2, "expected a second EC notification, got %u",
       fake_client_notifications(&ec));
    agent_binding_destroy(s);
    agent_binding_destroy(e);
    harness_teardown(&h);
    fake_client_free(&sha);
    fake_client_free(&ec);
}

static void test_failed_get_soh_request_holds_a_stand_in(void)
{
    struct harness h;
    struct fake_client sha, ec;
    struct agent_binding *s, *e;
    struct soh_message *m = malloc(sizeof(*m));
    struct agent_soh_request_params p = params_for(1, 4000);
    struct agent_event ev;
    uint8_t *raw = NULL;
    size_t size;
    unsigned category;
    uint32_t error;
    int hint;

    harness_setup(&h);
    fake_client_init(&sha, FAKE_ANSWER_FAILURE);
    fake_client_init(&ec, FAKE_ANSWER_OK);
    s = harness_bind_sha(&h, SHA_A, &sha);
    e = harness_bind_ec(&h, 1, &ec);
    agent_ec_connection_created(e, 1);
    ok(sha_change(&h, s), "expected the change to settle, got %s", "a timeout");
    ev = last_event(&h.events, AGENT_EVENT_SHA_SOH_FAILED, SHA_A);
    ok(ev.kind == AGENT_EVENT_SHA_SOH_FAILED && ev.result == NAP_RESULT_GENERIC_FAILURE,
       "expected SHA_SOH_FAILED with E_FAIL, got kind %d result %#x", ev.kind, (unsigned)ev.result);
    ok(fake_client_notifications(&ec) == 1, "expected the stand-in to count as a change, got %u",
       fake_client_notifications(&ec));
    ok(build(e, 1, &p, m, &raw, &size, &hint) == NAP_RESULT_OK && m->report_count == 1,
       "expected a request with one report, got %u", m->report_count);
    stand_in_of(&m->reports[0], &category, &error);
    ok(m->reports[0].sha_id == SHA_A && category == 2 && error == (uint32_t)NAP_RESULT_GENERIC_FAILURE,
       "expected SHA A's stand-in ClientComponent/E_FAIL, got id %#x category %u error %#x",
       m->reports[0].sha_id, category, error);
    ok(soh_dwords_at(&m->system.system_generated_ids, 0) == SHA_A,
       "expected SHA A listed as system-generated, got count %u", m->system.system_generated_ids.count);
    free(raw);
    /* The same failure again is no new change. */
    ok(sha_change(&h, s) && fake_client_notifications(&ec) == 1,
       "expected no second notification for the same failure, got %u", fake_client_notifications(&ec));
    agent_binding_destroy(s);
    agent_binding_destroy(e);
    harness_teardown(&h);
    fake_client_free(&sha);
    fake_client_free(&ec);
    free(m);
}

static void test_dead_sha_is_dropped_with_its_cache(void)
{
    struct harness h;
    struct fake_client sha, again;
    struct agent_binding *s, *s2;
    nap_result res;

    harness_setup(&h);
    fake_client_init(&sha, FAKE_ANSWER_OK);
    fake_client_init(&again, FAKE_ANSWER_OK);
    sha.cache_soh = 1;
    s = harness_bind_sha(&h, SHA_A, &sha);
    ok(sha_change(&h, s), "expected the first change to settle, got %s", "a timeout");
    fake_client_set(&sha, FAKE_ANSWER_DEAD);
    ok(sha_change(&h, s), "expected the second change to settle, got %s", "a timeout");
    ok(events_of(&h.events, AGENT_EVENT_CLIENT_DIED, SHA_A) == 1 && fake_client_releases(&sha) == 1,
       "expected the SHA dropped and released, got %u died / %u releases",
       events_of(&h.events, AGENT_EVENT_CLIENT_DIED, SHA_A), fake_client_releases(&sha));
    res = agent_binding_check(s);
    ok(res == NAP_RESULT_NOT_INITIALIZED, "expected the binding unbound, got %#x", (unsigned)res);
    agent_binding_create(h.agent, NAP_COMPONENT_SYSTEM_HEALTH_AGENT, &s2);
    res = agent_binding_initialize(s2, SHA_A, &again, &fake_admin, NULL);
    ok(res == NAP_RESULT_OK, "expected the id bindable again, got %#x", (unsigned)res);
    again.sha_id = SHA_A;
    ok(sha_change(&h, s2) && again.held_size == 0, "expected the cache flushed (nothing held), got %zu bytes",
       again.held_size);
    agent_binding_destroy(s);
    agent_binding_destroy(s2);
    harness_teardown(&h);
    fake_client_free(&sha);
    fake_client_free(&again);
}

static void test_changes_during_an_ask_fold_into_one_more_ask(void)
{
    struct harness h;
    struct fake_client sha;
    struct agent_binding *s;

    harness_setup(&h);
    fake_client_init(&sha, FAKE_FREEZE);
    s = harness_bind_sha(&h, SHA_A, &sha);
    agent_sha_notify_soh_change(s);
    ok(fake_client_wait(&sha, fake_client_frozen, 1), "expected the SHA frozen in GetSoHRequest, got %u",
       fake_client_frozen(&sha));
    for (int i = 0; i < 5; ++i)
        agent_sha_notify_soh_change(s);
    fake_client_set(&sha, FAKE_ANSWER_OK);
    fake_client_unfreeze(&sha);
    ok(harness_settle(&h), "expected the asks to settle, got %s", "a timeout");
    ok(fake_client_count(&sha, &sha.soh_requests) == 2, "expected 2 asks for 6 changes, got %u",
       fake_client_count(&sha, &sha.soh_requests));
    ok(sha.max_concurrent == 1, "expected the SHA's calls one at a time, got %u at once", sha.max_concurrent);
    agent_binding_destroy(s);
    harness_teardown(&h);
    fake_client_free(&sha);
}

static void test_request_holds_every_registered_sha_in_order(void)
{
    struct harness h;
    struct fake_client a, c, ec;
    struct agent_binding *sa, *sc, *e;
    struct soh_message *m = malloc(sizeof(*m));
    struct agent_soh_request_params p = params_for(7, 4000);
    uint8_t expected[FAKE_SOH_SIZE];
    struct agent_snapshot_binding snap;
    unsigned category;
    uint32_t error;
    uint8_t *raw = NULL;
    size_t size = 0;
    int hint = 0;
    nap_result res;

    harness_setup(&h);
    fake_client_init(&a, FAKE_ANSWER_OK);
    fake_client_init(&c, FAKE_ANSWER_OK);
    fake_client_init(&ec, FAKE_ANSWER_OK);
    sc = harness_bind_sha(&h, SHA_C, &c);          /* bound, never asked */
    register_sha(&h, SHA_B);               /* registered, not bound */
    sa = harness_bind_sha(&h, SHA_A, &a);
    e = harness_bind_ec(&h, 1, &ec);
    res = agent_ec_connection_created(e, 42);
    ok(res == NAP_RESULT_OK, "expected a connection, got %#x", (unsigned)res);
    ok(sha_change(&h, sa), "expected SHA A's change to settle, got %s", "a timeout");

    res = build(e, 42, &p, m, &raw, &size, &hint);
    ok(res == NAP_RESULT_OK && m->report_count == 3, "expected a request with 3 reports, got %#x / %u",
       (unsigned)res, m->report_count);
    ok(m->reports[0].sha_id == SHA_A && m->reports[1].sha_id == SHA_B && m->reports[2].sha_id == SHA_C,
       "expected reports in id order A, B, C, got %#x %#x %#x", m->reports[0].sha_id, m->reports[1].sha_id,
       m->reports[2].sha_id);
    fake_sha_soh(SHA_A, 1, expected);
    ok(m->reports[0].size == FAKE_SOH_SIZE && !memcmp(m->reports[0].bytes, expected, FAKE_SOH_SIZE),
       "expected SHA A's own SoH byte for byte, got %u bytes", m->reports[0].size);
    stand_in_of(&m->reports[1], &category, &error);
    ok(category == 2 && error == (uint32_t)NAP_RESULT_NOT_INITIALIZED,
       "expected B's stand-in ClientComponent/NOT_INITIALIZED, got %u/%#x", category, error);
    stand_in_of(&m->reports[2], &category, &error);
    ok(category == 3 && error == (uint32_t)NAP_RESULT_NO_CACHED_SOH,
       "expected C's stand-in ClientCommunication/NO_CACHED_SOH, got %u/%#x", category, error);
    ok(m->system.system_generated_ids.count == 2 && soh_dwords_at(&m->system.system_generated_ids, 0) == SHA_B
           && soh_dwords_at(&m->system.system_generated_ids, 1) == SHA_C,
       "expected B and C listed as system-generated, got %u ids", m->system.system_generated_ids.count);
    ok(!memcmp(m->system.correlation_id.conn_id, p.correlation.guid, 16)
           && m->system.correlation_id.time_stamp == p.correlation.time,
       "expected the connection's correlation id in the request, got time %#llx",
       (unsigned long long)m->system.correlation_id.time_stamp);
    ok((m->system.present & SOH_ITEM_BIT(SOH_ITEM_MACHINE_NAME)) && m->system.machine_name.size == 17
           && !memcmp(m->system.machine_name.data, "host.example.test", 17),
       "expected the machine name in the SSoH, got %u bytes", m->system.machine_name.size);
    ok(m->system.inventory.os_major == 10 && m->system.inventory.os_build == 19045 && m->system.product_type == 1,
       "expected the OS version and product type, got %u.%u / %u", m->system.inventory.os_major,
       m->system.inventory.os_build, m->system.product_type);
    ok(hint == 1, "expected retriggerHint for the first request, got %d", hint);
    snap = harness_binding_state(&h, 1);
    ok(snap.soh_state == AGENT_SOH_APPLIED, "expected the change taken, got state %d", snap.soh_state);
    free(raw);

    /* Same SoHs, new correlation id: no hint. */
    p = params_for(8, 4000);
    res = build(e, 42, &p, m, &raw, &size, &hint);
    ok(res == NAP_RESULT_OK && hint == 0, "expected no retriggerHint for the same SoHs, got %#x / %d",
       (unsigned)res, hint);
    free(raw);
    ok(sha_change(&h, sa), "expected SHA A's second change to settle, got %s", "a timeout");
    p = params_for(9, 4000);
    res = build(e, 42, &p, m, &raw, &size, &hint);
    ok(res == NAP_RESULT_OK && hint == 1, "expected retriggerHint after SHA A changed, got %#x / %d",
       (unsigned)res, hint);
    free(raw);

    res = agent_ec_build_soh_request(e, 43, &p, &raw, &size, &hint);
    ok(res == NAP_RESULT_INVALID_ARG && raw == NULL, "expected INVALID_ARG for an unknown connection, got %#x",
       (unsigned)res);
    res = agent_ec_build_soh_request(e, 42, NULL, &raw, &size, &hint);
    ok(res == NAP_RESULT_NULL_POINTER, "expected NULL_POINTER without params, got %#x", (unsigned)res);
    res = agent_ec_build_soh_request(sa, 42, &p, &raw, &size, &hint);
    ok(res == NAP_RESULT_INVALID_ARG, "expected INVALID_ARG on an SHA binding, got %#x", (unsigned)res);
    agent_binding_destroy(sa);
    agent_binding_destroy(sc);
    agent_binding_destroy(e);
    harness_teardown(&h);
    fake_client_free(&a);
    fake_client_free(&c);
    fake_client_free(&ec);
    free(m);
}

static void test_request_trims_shas_that_do_not_fit(void)
{
    struct harness h;
    struct fake_client ec;
    struct agent_binding *e;
    struct soh_message *m = malloc(sizeof(*m));
    struct agent_soh_request_params p = params_for(3, 4000);
    uint8_t *raw = NULL;
    size_t full = 0, size = 0;
    int hint;
    nap_result res;

    harness_setup(&h);
    fake_client_init(&ec, FAKE_ANSWER_OK);
    for (uint32_t i = 0; i < 4; ++i)
        register_sha(&h, SHA_A + i);
    e = harness_bind_ec(&h, 1, &ec);
    agent_ec_connection_created(e, 5);
    res = build(e, 5, &p, m, &raw, &full, &hint);
    ok(res == NAP_RESULT_OK && m->report_count == 4, "expected 4 reports in a full-size request, got %#x / %u",
       (unsigned)res, m->report_count);
    free(raw);
    /* Each stand-in takes the same room, plus 4 bytes for its id in the system-generated list: a
     * size with room for exactly two leaves the last two out, ids and all. */
    p.max_size = full - 2 * ((size_t)m->reports[3].size + 4);
    res = build(e, 5, &p, m, &raw, &size, &hint);
    ok(res == NAP_RESULT_OK && m->report_count == 2 && size <= p.max_size,
       "expected two reports within %zu bytes, got %#x / %u reports / %zu bytes", p.max_size, (unsigned)res,
       m->report_count, size);
    ok(events_of(&h.events, AGENT_EVENT_SOH_REQUEST_TRIMMED, 0) == 2 && m->system.system_generated_ids.count == 2,
       "expected 2 SHAs reported left out and 2 ids listed, got %u / %u",
       events_of(&h.events, AGENT_EVENT_SOH_REQUEST_TRIMMED, 0), m->system.system_generated_ids.count);
    free(raw);
    p.max_size = 20;
    res = agent_ec_build_soh_request(e, 5, &p, &raw, &size, &hint);
    ok(res == NAP_RESULT_MAXSIZE_TOO_SMALL && raw == NULL,
       "expected MAXSIZE_TOO_SMALL when not even the SSoH fits, got %#x", (unsigned)res);
    agent_binding_destroy(e);
    harness_teardown(&h);
    fake_client_free(&ec);
    free(m);
}

static void test_an_oversized_soh_does_not_take_the_others_along(void)
{
    struct harness h;
    struct fake_client big, small, ec;
    struct agent_binding *sb, *ss, *e;
    struct soh_message *m = malloc(sizeof(*m));
    struct agent_soh_request_params p = params_for(2, 1000);
    struct agent_event ev;
    uint8_t *raw = NULL;
    size_t size = 0;
    int hint;
    nap_result res;

    harness_setup(&h);
    fake_client_init(&big, FAKE_ANSWER_OK);
    fake_client_init(&small, FAKE_ANSWER_OK);
    fake_client_init(&ec, FAKE_ANSWER_OK);
    big.padding = 1500;   /* SHA A (lower id, first in the request) cannot fit in 1000 bytes */
    sb = harness_bind_sha(&h, SHA_A, &big);
    ss = harness_bind_sha(&h, SHA_B, &small);
    e = harness_bind_ec(&h, 1, &ec);
    agent_ec_connection_created(e, 1);
    ok(sha_change(&h, sb) && sha_change(&h, ss), "expected both SHAs' changes to settle, got %s", "a timeout");
    res = build(e, 1, &p, m, &raw, &size, &hint);
    ok(res == NAP_RESULT_OK && m->report_count == 1 && m->reports[0].sha_id == SHA_B && size <= 1000,
       "expected SHA B in, oversized SHA A left out, within 1000 bytes; got %#x, %u reports, %zu bytes",
       (unsigned)res, m->report_count, size);
    ev = last_event(&h.events, AGENT_EVENT_SOH_REQUEST_TRIMMED, 0);
    ok(ev.component_id == SHA_A && events_of(&h.events, AGENT_EVENT_SOH_REQUEST_TRIMMED, 0) == 1,
       "expected SHA A reported left out once, got id %#x, %u events", ev.component_id,
       events_of(&h.events, AGENT_EVENT_SOH_REQUEST_TRIMMED, 0));
    free(raw);
    agent_binding_destroy(sb);
    agent_binding_destroy(ss);
    agent_binding_destroy(e);
    harness_teardown(&h);
    fake_client_free(&big);
    fake_client_free(&small);
    fake_client_free(&ec);
    free(m);
}

static void test_response_reaches_shas_and_decides(void)
{
    struct harness h;
    struct fake_client a, ec;
    struct agent_binding *sa, *e;
    struct agent_soh_request_params p = params_for(5, 4000), other = params_for(6, 4000);
    struct agent_soh_decision d;
    struct agent_isolation system;
    static const uint32_t ids[] = {SHA_A, SHA_B};
    uint8_t response[4000], expected_part[16] = {0, 2, 0, 4, 0, 1, 0x37, 0x81, 0, 4, 0, 4, 0, 0, 0, 0};
    uint8_t *raw = NULL;
    size_t size, length;
    int hint, unknown = 0;
    nap_result res;

    harness_setup(&h);
    fake_client_init(&a, FAKE_ANSWER_OK);
    fake_client_init(&ec, FAKE_ANSWER_OK);
    sa = harness_bind_sha(&h, SHA_A, &a);
    register_sha(&h, SHA_B);
    e = harness_bind_ec(&h, 1, &ec);
    agent_ec_connection_created(e, 9);
    agent_ec_connection_created(e, 10);
    agent_ec_build_soh_request(e, 9, &p, &raw, &size, &hint);
    free(raw);
    agent_system_isolation(h.agent, &system, &unknown);
    ok(system.state == 1 && unknown == 1, "expected not restricted with unknown connections, got %u / %d",
       system.state, unknown);

    length = make_response(&other, 3, "http://fix.example.test/", ids, 2, response);
    res = agent_ec_process_soh_response(e, 9, response, length, &d);
    ok(res == NAP_RESULT_MISMATCHED_ID, "expected MISMATCHED_ID for another request's answer, got %#x",
       (unsigned)res);
    res = agent_ec_process_soh_response(e, 9, response, 11, &d);
    ok(res == NAP_RESULT_INVALID_PACKET, "expected INVALID_PACKET for 11 bytes, got %#x", (unsigned)res);
    res = agent_ec_process_soh_response(e, 77, response, length, &d);
    ok(res == NAP_RESULT_INVALID_ARG, "expected INVALID_ARG for an unknown connection, got %#x", (unsigned)res);
    ok(events_of(&h.events, AGENT_EVENT_RESPONSE_REJECTED, 1) == 2, "expected 2 RESPONSE_REJECTED, got %u",
       events_of(&h.events, AGENT_EVENT_RESPONSE_REJECTED, 1));

    length = make_response(&p, 3, "http://fix.example.test/", ids, 2, response);
    res = agent_ec_process_soh_response(e, 9, response, length, &d);
    ok(res == NAP_RESULT_OK, "expected the response processed, got %#x", (unsigned)res);
    ok(d.isolation.state == 3 && d.isolation.extended == 2 && !strcmp(d.isolation.url, "http://fix.example.test/"),
       "expected restricted/infected with the URL, got %u/%u '%s'", d.isolation.state, d.isolation.extended,
       d.isolation.url);
    ok(d.installed_shv_count == 2 && d.installed_shvs[0] == SHA_A && d.installed_shvs[1] == SHA_B,
       "expected the installed SHVs A and B, got %zu", d.installed_shv_count);
    ok(harness_settle(&h), "expected the SHA calls to settle, got %s", "a timeout");
    ok(fake_client_count(&a, &a.responses) == 1 && a.last_response_size == sizeof(expected_part)
           && !memcmp(a.last_response, expected_part, sizeof(expected_part)) && a.last_flags == 1,
       "expected SHA A given its part with shaFixup, got %u calls / %zu bytes / flags %u",
       fake_client_count(&a, &a.responses), a.last_response_size, a.last_flags);
    ok(!memcmp(a.last_correlation.guid, p.correlation.guid, 16), "expected the exchange's correlation id, got %#x",
       a.last_correlation.guid[0]);
    agent_system_isolation(h.agent, &system, &unknown);
    ok(system.state == 3 && unknown == 1 && !strcmp(system.url, "http://fix.example.test/"),
       "expected the system restricted, connection 10 unknown; got %u / %d", system.state, unknown);
    ok(fake_client_count(&a, &a.isolation_notices) == 1 && events_of(&h.events, AGENT_EVENT_ISOLATION_CHANGED, 0) == 1,
       "expected SHA A told of the change once, got %u notices / %u events",
       fake_client_count(&a, &a.isolation_notices), events_of(&h.events, AGENT_EVENT_ISOLATION_CHANGED, 0));
    ok(fake_client_count(&a, &a.orphan_notices) == 0, "expected no orphan after the response, got %u",
       fake_client_count(&a, &a.orphan_notices));

    /* The agent owns the ids: an answered request cannot be answered again (a replay), nor one
     * this connection was never given (another connection's, or a stale one), and neither
     * changes anything. */
    length = make_response(&p, 1, "", ids, 2, response);
    res = agent_ec_process_soh_response(e, 9, response, length, &d);
    ok(res == NAP_RESULT_MISMATCHED_ID, "a second response to an answered request is MISMATCHED_ID: %#x",
       (unsigned)res);
    agent_ec_build_soh_request(e, 10, &other, &raw, &size, &hint);
    free(raw);
    length = make_response(&other, 1, "", ids, 2, response);
    res = agent_ec_process_soh_response(e, 9, response, length, &d);
    ok(res == NAP_RESULT_MISMATCHED_ID, "the answer to another connection's request is MISMATCHED_ID: %#x",
       (unsigned)res);
    ok(harness_settle(&h) && fake_client_count(&a, &a.responses) == 1 && fake_client_count(&a, &a.isolation_notices) == 1,
       "neither reached the SHA or the isolation state: %u responses, %u notices",
       fake_client_count(&a, &a.responses), fake_client_count(&a, &a.isolation_notices));
    agent_system_isolation(h.agent, &system, &unknown);
    ok(system.state == 3, "the system state stays restricted: %u", system.state);

    /* The restricted connection goes down: back to not restricted, and SHAs hear of it. */
    res = agent_ec_connection_down(e, 9);
    ok(res == NAP_RESULT_OK && harness_settle(&h), "expected connection 9 down, got %#x", (unsigned)res);
    agent_system_isolation(h.agent, &system, &unknown);
    ok(system.state == 1 && system.url[0] == 0, "expected not restricted again, got %u", system.state);
    ok(fake_client_count(&a, &a.isolation_notices) == 2, "expected a second isolation notice, got %u",
       fake_client_count(&a, &a.isolation_notices));
    agent_binding_destroy(sa);
    agent_binding_destroy(e);
    harness_teardown(&h);
    fake_client_free(&a);
    fake_client_free(&ec);
}

static void test_unanswered_requests_are_orphaned(void)
{
    struct harness h;
    struct fake_client a, ec;
    struct agent_binding *sa, *e;
    struct agent_soh_request_params p1 = params_for(1, 4000), p2 = params_for(2, 4000);
    uint8_t *raw = NULL;
    size_t size;
    int hint;

    harness_setup(&h);
    fake_client_init(&a, FAKE_ANSWER_OK);
    fake_client_init(&ec, FAKE_ANSWER_OK);
    sa = harness_bind_sha(&h, SHA_A, &a);
    e = harness_bind_ec(&h, 1, &ec);
    agent_ec_connection_created(e, 1);
    agent_ec_build_soh_request(e, 1, &p1, &raw, &size, &hint);
    free(raw);
    agent_ec_build_soh_request(e, 1, &p2, &raw, &size, &hint);
    free(raw);
    ok(harness_settle(&h) && fake_client_count(&a, &a.orphan_notices) == 1
           && !memcmp(a.last_orphan.guid, p1.correlation.guid, 16),
       "expected the first request orphaned by the second, got %u notices",
       fake_client_count(&a, &a.orphan_notices));
    agent_ec_connection_down(e, 1);
    ok(harness_settle(&h) && fake_client_count(&a, &a.orphan_notices) == 2
           && !memcmp(a.last_orphan.guid, p2.correlation.guid, 16),
       "expected the second request orphaned by the connection going down, got %u notices",
       fake_client_count(&a, &a.orphan_notices));
    /* An EC that goes away with a request outstanding orphans it too. */
    agent_ec_connection_created(e, 2);
    agent_ec_build_soh_request(e, 2, &p1, &raw, &size, &hint);
    free(raw);
    agent_binding_uninitialize(e);
    ok(harness_settle(&h) && fake_client_count(&a, &a.orphan_notices) == 3,
       "expected the request orphaned by Uninitialize, got %u notices", fake_client_count(&a, &a.orphan_notices));
    agent_binding_destroy(sa);
    agent_binding_destroy(e);
    harness_teardown(&h);
    fake_client_free(&a);
    fake_client_free(&ec);
}

/* A connection object released without NotifyConnectionStateDown: by its key alone, its slot is
 * freed, it no longer counts as unknown, and its outstanding request is orphaned. */
static void test_released_connection_goes_down(void)
{
    struct harness h;
    struct fake_client a, ec;
    struct agent_binding *sa, *e;
    struct agent_soh_request_params p = params_for(3, 4000);
    struct agent_isolation isolation;
    uint8_t *raw = NULL;
    size_t size;
    int hint, unknown = 0, created = 0;

    harness_setup(&h);
    fake_client_init(&a, FAKE_ANSWER_OK);
    fake_client_init(&ec, FAKE_ANSWER_OK);
    sa = harness_bind_sha(&h, SHA_A, &a);
    e = harness_bind_ec(&h, 1, &ec);
    for (uint64_t key = 100; key < 100 + NAP_MAX_CONNECTION_COUNT_PER_ENFORCER; ++key)
        created += agent_ec_connection_created(e, key) == NAP_RESULT_OK;
    agent_ec_build_soh_request(e, 100, &p, &raw, &size, &hint);
    free(raw);
    agent_system_isolation(h.agent, &isolation, &unknown);
    ok(created == 20 && agent_ec_connection_created(e, 200) == NAP_RESULT_OUT_OF_MEMORY && unknown,
       "20 connections fill the EC's slots and are unknown: %d created, unknown %d", created, unknown);
    ok(agent_ec_connection_released(h.agent, 100) == NAP_RESULT_OK
           && agent_ec_connection_released(h.agent, 12345) == NAP_RESULT_OK,
       "released connections are told by key, a key nobody holds too");
    ok(harness_settle(&h) && fake_client_count(&a, &a.orphan_notices) == 1
           && !memcmp(a.last_orphan.guid, p.correlation.guid, 16),
       "the released connection's outstanding request was orphaned: %u notices",
       fake_client_count(&a, &a.orphan_notices));
    ok(agent_ec_connection_created(e, 200) == NAP_RESULT_OK, "its slot is free again");
    ok(agent_ec_build_soh_request(e, 100, &p, &raw, &size, &hint) == NAP_RESULT_INVALID_ARG,
       "and the released key is no longer the EC's");
    for (uint64_t key = 101; key < 100 + NAP_MAX_CONNECTION_COUNT_PER_ENFORCER; ++key)
        agent_ec_connection_released(h.agent, key);
    agent_ec_connection_released(h.agent, 200);
    agent_system_isolation(h.agent, &isolation, &unknown);
    ok(!unknown, "once every connection is released none is unknown: %d", unknown);
    agent_binding_destroy(sa);
    agent_binding_destroy(e);
    harness_teardown(&h);
    fake_client_free(&a);
    fake_client_free(&ec);
}

static void test_cache_outlives_the_binding_only_when_asked(void)
{
    struct harness h;
    struct fake_client a, b, ec;
    struct agent_binding *sa, *sb, *e;
    struct soh_message *m = malloc(sizeof(*m));
    struct agent_soh_request_params p = params_for(4, 4000);
    unsigned category;
    uint32_t error;
    uint8_t *raw = NULL;
    size_t size;
    int hint;
    nap_result res;

    harness_setup(&h);
    fake_client_init(&a, FAKE_ANSWER_OK);
    fake_client_init(&b, FAKE_ANSWER_OK);
    fake_client_init(&ec, FAKE_ANSWER_OK);
    a.cache_soh = 1;
    sa = harness_bind_sha(&h, SHA_A, &a);
    sb = harness_bind_sha(&h, SHA_B, &b);
    e = harness_bind_ec(&h, 1, &ec);
    agent_ec_connection_created(e, 1);
    ok(sha_change(&h, sa) && sha_change(&h, sb), "expected both changes to settle, got %s", "a timeout");
    agent_binding_uninitialize(sa);
    agent_binding_uninitialize(sb);
    res = build(e, 1, &p, m, &raw, &size, &hint);
    ok(res == NAP_RESULT_OK && m->report_count == 2, "expected 2 reports, got %#x / %u", (unsigned)res,
       m->report_count);
    stand_in_of(&m->reports[0], &category, &error);
    ok(m->reports[0].size == FAKE_SOH_SIZE && category == 0, "expected A's cached SoH, got %u bytes",
       m->reports[0].size);
    stand_in_of(&m->reports[1], &category, &error);
    ok(category == 2 && error == (uint32_t)NAP_RESULT_NOT_INITIALIZED,
       "expected B's stand-in (not cached), got %u/%#x", category, error);
    free(raw);

    /* FlushCache drops A's SoH: A bound again but not asked is "no cached SoH". */
    agent_binding_initialize(sa, SHA_A, &a, &fake_admin, NULL);
    res = agent_sha_flush_cache(sa);
    ok(res == NAP_RESULT_OK, "expected FlushCache OK, got %#x", (unsigned)res);
    res = agent_sha_flush_cache(sb);
    ok(res == NAP_RESULT_NOT_INITIALIZED, "expected NOT_INITIALIZED for an unbound SHA, got %#x", (unsigned)res);
    res = agent_sha_flush_cache(e);
    ok(res == NAP_RESULT_INVALID_ARG, "expected INVALID_ARG on an EC binding, got %#x", (unsigned)res);
    res = build(e, 1, &p, m, &raw, &size, &hint);
    stand_in_of(&m->reports[0], &category, &error);
    ok(res == NAP_RESULT_OK && category == 3 && error == (uint32_t)NAP_RESULT_NO_CACHED_SOH,
       "expected A's flushed SoH replaced by NO_CACHED_SOH, got %u/%#x", category, error);
    free(raw);
    agent_binding_destroy(sa);
    agent_binding_destroy(sb);
    agent_binding_destroy(e);
    harness_teardown(&h);
    fake_client_free(&a);
    fake_client_free(&b);
    fake_client_free(&ec);
    free(m);
}

static void test_sha_calls_may_be_absent(void)
{
    struct harness h;
    struct fake_client sha, ec;
    struct agent_binding *s, *e;
    struct agent_client_calls ec_only = {NULL, fake_ec_notify_soh_change, fake_client_release, NULL, NULL, NULL,
                                         NULL, NULL};
    struct agent_config c;
    struct agent_event ev;

    harness_config(&c);
    harness_setup_with(&h, &c);
    agent_destroy(h.agent);
    h.deps.calls = &ec_only;
    agent_create(&h.config, &h.deps, &h.loop, &h.agent, NULL);
    fake_client_init(&sha, FAKE_ANSWER_OK);
    fake_client_init(&ec, FAKE_ANSWER_OK);
    s = harness_bind_sha(&h, SHA_A, &sha);
    e = harness_bind_ec(&h, 1, &ec);
    ok(sha_change(&h, s), "expected the change to settle, got %s", "a timeout");
    ev = last_event(&h.events, AGENT_EVENT_SHA_SOH_FAILED, SHA_A);
    ok(ev.result == NAP_RESULT_NOT_IMPLEMENTED && fake_client_notifications(&ec) == 1,
       "expected E_NOTIMPL's stand-in to notify the EC, got %#x / %u", (unsigned)ev.result,
       fake_client_notifications(&ec));
    agent_binding_destroy(s);
    agent_binding_destroy(e);
    harness_teardown(&h);
    fake_client_free(&sha);
    fake_client_free(&ec);
}

int main(void)
{
    test_sha_change_asks_the_sha_then_notifies_ecs();
    test_failed_get_soh_request_holds_a_stand_in();
    test_dead_sha_is_dropped_with_its_cache();
    test_changes_during_an_ask_fold_into_one_more_ask();
    test_request_holds_every_registered_sha_in_order();
    test_request_trims_shas_that_do_not_fit();
    test_an_oversized_soh_does_not_take_the_others_along();
    test_response_reaches_shas_and_decides();
    test_unanswered_requests_are_orphaned();
    test_released_connection_goes_down();
    test_cache_outlives_the_binding_only_when_asked();
    test_sha_calls_may_be_absent();
    return tap_done();
}
