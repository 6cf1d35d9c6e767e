/* Retry policy: backoff growth, the cap, the exhausted threshold, jitter bounds and determinism,
 * and configuration validation that says what it replaced. */
#include "agent.h"
#include "retry_policy.h"
#include "tap.h"

static struct retry_policy policy(uint32_t first, uint32_t factor, uint32_t max, uint32_t jitter,
                                  uint32_t exhausted)
{
    struct retry_policy p = { first, factor, max, jitter, exhausted };
    return p;
}

static void test_base_delay_doubles_from_the_first_delay(void)
{
    struct retry_policy p = policy(100, 2000, 100000, 0, 50);

    ok(retry_policy_base_delay(&p, 1) == 100, "expected 100 ms after attempt 1, got %llu",
       (unsigned long long)retry_policy_base_delay(&p, 1));
    ok(retry_policy_base_delay(&p, 2) == 200, "expected 200 ms after attempt 2, got %llu",
       (unsigned long long)retry_policy_base_delay(&p, 2));
    ok(retry_policy_base_delay(&p, 5) == 1600, "expected 1600 ms after attempt 5, got %llu",
       (unsigned long long)retry_policy_base_delay(&p, 5));
}

static void test_base_delay_stops_at_the_cap(void)
{
    struct retry_policy p = policy(100, 2000, 1000, 0, 50);

    ok(retry_policy_base_delay(&p, 4) == 800, "expected 800 ms below the cap, got %llu",
       (unsigned long long)retry_policy_base_delay(&p, 4));
    ok(retry_policy_base_delay(&p, 5) == 1000, "expected the 1000 ms cap, got %llu",
       (unsigned long long)retry_policy_base_delay(&p, 5));
    ok(retry_policy_base_delay(&p, 4000000000u) == 1000,
       "expected the cap for a huge attempt number, got %llu",
       (unsigned long long)retry_policy_base_delay(&p, 4000000000u));
}

static void test_base_delay_is_the_cap_once_exhausted(void)
{
    struct retry_policy p = policy(100, 2000, 60000, 0, 3);

    ok(retry_policy_base_delay(&p, 2) == 200, "expected 200 ms before exhaustion, got %llu",
       (unsigned long long)retry_policy_base_delay(&p, 2));
    ok(retry_policy_base_delay(&p, 3) == 60000, "expected the cap from attempt 3 on, got %llu",
       (unsigned long long)retry_policy_base_delay(&p, 3));
}

static void test_factor_of_one_keeps_the_delay_constant(void)
{
    struct retry_policy p = policy(700, 1000, 5000, 0, 1000);

    ok(retry_policy_base_delay(&p, 900) == 700, "expected a constant 700 ms, got %llu",
       (unsigned long long)retry_policy_base_delay(&p, 900));
}

static void test_jitter_only_shortens_and_stays_within_its_share(void)
{
    struct retry_policy p = policy(1000, 2000, 1000, 200, 50);
    struct jitter_rng rng;
    uint64_t lo = UINT64_MAX, hi = 0;

    jitter_rng_seed(&rng, 7);
    for (int i = 0; i < 10000; ++i) {
        uint64_t d = retry_policy_next_delay(&p, 1, &rng);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    ok(hi <= 1000, "expected no delay above the 1000 ms base, got %llu", (unsigned long long)hi);
    ok(lo >= 800, "expected no delay below 800 ms (20 %% jitter), got %llu", (unsigned long long)lo);
    ok(hi - lo > 100, "expected the delays to spread, got a range of %llu ms",
       (unsigned long long)(hi - lo));
}

static void test_same_seed_gives_same_delays(void)
{
    struct retry_policy p = policy(1000, 2000, 100000, 500, 50);
    struct jitter_rng a, b;
    int same = 1;

    jitter_rng_seed(&a, 1234);
    jitter_rng_seed(&b, 1234);
    for (uint32_t i = 1; i < 100; ++i)
        same &= retry_policy_next_delay(&p, i, &a) == retry_policy_next_delay(&p, i, &b);
    ok(same, "expected identical delays from identical seeds, got %d", same);
}

static void test_delay_is_never_zero(void)
{
    struct retry_policy p = policy(1, 2000, 1, 1000, 50);
    struct jitter_rng rng;
    uint64_t lo = UINT64_MAX;

    jitter_rng_seed(&rng, 3);
    for (int i = 0; i < 1000; ++i) {
        uint64_t d = retry_policy_next_delay(&p, 1, &rng);
        lo = d < lo ? d : lo;
    }
    ok(lo == 1, "expected at least 1 ms even with full jitter, got %llu", (unsigned long long)lo);
}

static void test_defaults_are_valid(void)
{
    struct agent_config c;

    agent_config_defaults(&c);
    ok(agent_config_normalize(&c) == 0, "expected the defaults to need no replacement, got %#x",
       agent_config_normalize(&c));
    ok(c.max_enforcers == 20 && c.max_health_agents == 20 && c.max_connections_per_enforcer == 20,
       "expected NAP's limits 20/20/20, got %u/%u/%u", c.max_enforcers, c.max_health_agents,
       c.max_connections_per_enforcer);
    ok(c.retry.first_delay_ms == RETRY_DEFAULT_FIRST_DELAY_MS
       && c.retry.max_delay_ms == RETRY_DEFAULT_MAX_DELAY_MS,
       "expected the documented retry defaults, got first %u cap %u", c.retry.first_delay_ms,
       c.retry.max_delay_ms);
}

static void test_normalize_reports_every_replaced_field(void)
{
    struct agent_config c;
    unsigned replaced;

    agent_config_defaults(&c);
    c.max_enforcers = 0;
    c.retry.factor_permille = 500;
    c.retry.jitter_permille = 1001;
    c.retry.exhausted_after = 0;
    c.retry.max_delay_ms = 0;
    replaced = agent_config_normalize(&c);
    ok(replaced == (AGENT_CONFIG_REPLACED_MAX_ENFORCERS | AGENT_CONFIG_REPLACED_RETRY_FACTOR
                    | AGENT_CONFIG_REPLACED_RETRY_JITTER | AGENT_CONFIG_REPLACED_RETRY_ATTEMPTS
                    | AGENT_CONFIG_REPLACED_RETRY_MAX_DELAY),
       "expected exactly the five invalid fields reported, got %#x", replaced);
    ok(retry_policy_valid(&c.retry), "expected a valid policy after normalising, got invalid%s", "");
}

static void test_first_delay_above_the_cap_is_replaced(void)
{
    struct retry_policy p = policy(5000, 2000, 100, 0, 10);
    unsigned replaced = retry_policy_normalize(&p);

    ok(replaced == RETRY_REPLACED_FIRST_DELAY, "expected the first delay replaced, got %#x",
       replaced);
    ok(p.first_delay_ms == 100, "expected the cap as first delay when the default exceeds it, got %u",
       p.first_delay_ms);
}

int main(void)
{
    test_base_delay_doubles_from_the_first_delay();
    test_base_delay_stops_at_the_cap();
    test_base_delay_is_the_cap_once_exhausted();
    test_factor_of_one_keeps_the_delay_constant();
    test_jitter_only_shortens_and_stays_within_its_share();
    test_same_seed_gives_same_delays();
    test_delay_is_never_zero();
    test_defaults_are_valid();
    test_normalize_reports_every_replaced_field();
    test_first_delay_above_the_cap_is_replaced();
    return tap_done();
}
