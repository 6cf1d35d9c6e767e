/* Exponential backoff with jitter. Jitter only ever shortens a delay, so the cap stays a true
 * upper bound, while ECs that failed together (one network outage hits them all) spread out
 * instead of retrying in lockstep. */
#include "retry_policy.h"

void retry_policy_defaults(struct retry_policy *p)
{
    p->first_delay_ms = RETRY_DEFAULT_FIRST_DELAY_MS;
    p->factor_permille = RETRY_DEFAULT_FACTOR_PERMILLE;
    p->max_delay_ms = RETRY_DEFAULT_MAX_DELAY_MS;
    p->jitter_permille = RETRY_DEFAULT_JITTER_PERMILLE;
    p->exhausted_after = RETRY_DEFAULT_EXHAUSTED_AFTER;
}

unsigned retry_policy_normalize(struct retry_policy *p)
{
    struct retry_policy d;
    unsigned replaced = 0;

    retry_policy_defaults(&d);
    if (p->max_delay_ms < 1 || p->max_delay_ms > RETRY_MAX_DELAY_LIMIT_MS) {
        p->max_delay_ms = d.max_delay_ms;
        replaced |= RETRY_REPLACED_MAX_DELAY;
    }
    if (p->first_delay_ms < 1 || p->first_delay_ms > p->max_delay_ms) {
        /* The default may itself exceed a small valid cap: then the cap is the first delay. */
        p->first_delay_ms = d.first_delay_ms <= p->max_delay_ms ? d.first_delay_ms : p->max_delay_ms;
        replaced |= RETRY_REPLACED_FIRST_DELAY;
    }
    if (p->factor_permille < 1000 || p->factor_permille > RETRY_MAX_FACTOR_PERMILLE) {
        p->factor_permille = d.factor_permille;
        replaced |= RETRY_REPLACED_FACTOR;
    }
    if (p->jitter_permille > 1000) {
        p->jitter_permille = d.jitter_permille;
        replaced |= RETRY_REPLACED_JITTER;
    }
    if (p->exhausted_after < 1) {
        p->exhausted_after = d.exhausted_after;
        replaced |= RETRY_REPLACED_ATTEMPTS;
    }
    return replaced;
}

int retry_policy_valid(const struct retry_policy *p)
{
    struct retry_policy copy = *p;
    return retry_policy_normalize(&copy) == 0;
}

void jitter_rng_seed(struct jitter_rng *rng, uint64_t seed)
{
    rng->state = seed;
}

uint64_t jitter_rng_next(struct jitter_rng *rng)
{
    uint64_t z = (rng->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t retry_policy_base_delay(const struct retry_policy *p, uint32_t attempt)
{
    uint64_t delay = p->first_delay_ms;

    if (attempt >= p->exhausted_after)
        return p->max_delay_ms;
    for (uint32_t i = 1; i < attempt && delay < p->max_delay_ms; ++i) {
        uint64_t next = delay * p->factor_permille / 1000u;
        if (next == delay) /* a factor too small to move an integer delay: it stays */
            break;
        delay = next;
    }
    return delay < p->max_delay_ms ? delay : p->max_delay_ms;
}

uint64_t retry_policy_next_delay(const struct retry_policy *p, uint32_t attempt,
                                 struct jitter_rng *rng)
{
    uint64_t base = retry_policy_base_delay(p, attempt);
    uint64_t span = base * p->jitter_permille / 1000u;
    uint64_t delay = base - (span ? jitter_rng_next(rng) % (span + 1) : 0);

    return delay ? delay : 1;
}
