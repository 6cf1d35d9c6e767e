/* The registered ECs or SHAs of one kind: a table ordered by id, with its limit
 * (maxEnforcerCount, maxSystemHealthEntityCount) and each entry's live binding, if any.
 * Loop thread only. */
#ifndef NAPAGENT_CORE_COMPONENTS_H
#define NAPAGENT_CORE_COMPONENTS_H

#include <stddef.h>
#include <stdint.h>

#include "registration.h"

struct bound_client;

struct component {
    struct nap_registration registration;
    struct bound_client *bound;   /* at most one live binding per id */
    /* SHAs: the SoH the agent holds (the last one the SHA gave, or the stand-in after its
     * GetSoHRequest failed), in wire form; kept across unbinding only when soh_cached. */
    uint8_t *soh;
    size_t soh_size;
    int soh_cached;
    int soh_by_agent;             /* the held SoH is the agent's stand-in, not the SHA's */
};

struct component_table {
    struct component **items;     /* ordered by registration.id */
    size_t count;
    size_t capacity;
    uint32_t limit;
};

void component_table_init(struct component_table *t, uint32_t limit);
void component_table_free(struct component_table *t);
struct component *component_table_find(const struct component_table *t, uint32_t id);
/* CONFLICTING_ID, OUT_OF_MEMORY (at the limit unless ignore_limit, or no memory). The table keeps
 * a deep copy. */
nap_result component_table_add(struct component_table *t, const struct nap_registration *r,
                               int ignore_limit);
void component_table_remove(struct component_table *t, uint32_t id);

#endif
