/* How long to wait before notifying an EC again after it failed a SoH change. Integer-only (factor
 * and jitter in thousandths) so the same seed gives the same delays on every platform. */
#ifndef NAPAGENT_CORE_RETRY_POLICY_H
#define NAPAGENT_CORE_RETRY_POLICY_H

#include <stdint.h>

#include "nap_result.h"

/* Defaults, justified in docs/core.md ("Retry policy"). */
#define RETRY_DEFAULT_FIRST_DELAY_MS 2000u
#define RETRY_DEFAULT_FACTOR_PERMILLE 2000u   /* x2 per failed attempt */
#define RETRY_DEFAULT_MAX_DELAY_MS 120000u    /* 2 minutes */
#define RETRY_DEFAULT_JITTER_PERMILLE 200u    /* up to 20 % shorter */
#define RETRY_DEFAULT_EXHAUSTED_AFTER 10u     /* attempts before the once-only diagnostic */

#define RETRY_MAX_FACTOR_PERMILLE 10000u
#define RETRY_MAX_DELAY_LIMIT_MS (24u * 3600u * 1000u)

/* Bits reported by retry_policy_normalize; agent_config_normalize reports them unchanged. */
enum retry_policy_replaced {
    RETRY_REPLACED_FIRST_DELAY = 1u << 3,
    RETRY_REPLACED_FACTOR = 1u << 4,
    RETRY_REPLACED_MAX_DELAY = 1u << 5,
    RETRY_REPLACED_JITTER = 1u << 6,
    RETRY_REPLACED_ATTEMPTS = 1u << 7,
};

struct retry_policy {
    uint32_t first_delay_ms;       /* after the first failed notification; >= 1 */
    uint32_t factor_permille;      /* growth per further failure, 1000..10000 */
    uint32_t max_delay_ms;         /* the cap; >= first_delay_ms, <= RETRY_MAX_DELAY_LIMIT_MS */
    uint32_t jitter_permille;      /* each delay is shortened by a random 0..jitter, 0..1000 */
    uint32_t exhausted_after;      /* from this failed attempt on: always the cap, diagnostic once */
};

void retry_policy_defaults(struct retry_policy *p);
/* Replaces invalid fields by defaults; returns enum retry_policy_replaced bits. */
unsigned retry_policy_normalize(struct retry_policy *p);
int retry_policy_valid(const struct retry_policy *p);

/* Seedable generator owned by the core (splitmix64): tests get the same jitter every run. */
struct jitter_rng {
    uint64_t state;
};

void jitter_rng_seed(struct jitter_rng *rng, uint64_t seed);
uint64_t jitter_rng_next(struct jitter_rng *rng);

/* The delay after failed attempt number `attempt` (1 = the first notification failed). */
uint64_t retry_policy_next_delay(const struct retry_policy *p, uint32_t attempt,
                                 struct jitter_rng *rng);
/* The delay before jitter: first * factor^(attempt-1), capped; the cap from exhausted_after on. */
uint64_t retry_policy_base_delay(const struct retry_policy *p, uint32_t attempt);

#endif
