/* A sorted array: registrations change rarely (installers, netsh) while Initialize looks one up on
 * every bind, and the ordered walk gives napctl and GetRegistered* a stable order for free. */
#include <stdlib.h>
#include <string.h>

#include "components.h"

void component_table_init(struct component_table *t, uint32_t limit)
{
    t->items = NULL;
    t->count = t->capacity = 0;
    t->limit = limit;
}

void component_table_free(struct component_table *t)
{
    for (size_t i = 0; i < t->count; ++i) {
        nap_registration_clear(&t->items[i]->registration);
        free(t->items[i]->soh);
        free(t->items[i]);
    }
    free(t->items);
    t->items = NULL;
    t->count = t->capacity = 0;
}

/* Index of id, or of the place it would go. */
static size_t lower_bound(const struct component_table *t, uint32_t id)
{
    size_t lo = 0, hi = t->count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->items[mid]->registration.id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct component *component_table_find(const struct component_table *t, uint32_t id)
{
    size_t i = lower_bound(t, id);
    return i < t->count && t->items[i]->registration.id == id ? t->items[i] : NULL;
}

nap_result component_table_add(struct component_table *t, const struct nap_registration *r,
                               int ignore_limit)
{
    size_t at = lower_bound(t, r->id);
    struct component *c;

    if (at < t->count && t->items[at]->registration.id == r->id)
        return NAP_RESULT_CONFLICTING_ID;
    if (!ignore_limit && t->count >= t->limit)
        return NAP_RESULT_OUT_OF_MEMORY;
    if (t->count == t->capacity) {
        size_t capacity = t->capacity ? t->capacity * 2 : 8;
        struct component **items = realloc(t->items, capacity * sizeof(*items));
        if (!items)
            return NAP_RESULT_OUT_OF_MEMORY;
        t->items = items;
        t->capacity = capacity;
    }
    if (!(c = calloc(1, sizeof(*c))))
        return NAP_RESULT_OUT_OF_MEMORY;
    if (nap_registration_copy(&c->registration, r) != NAP_RESULT_OK) {
        free(c);
        return NAP_RESULT_OUT_OF_MEMORY;
    }
    memmove(&t->items[at + 1], &t->items[at], (t->count - at) * sizeof(*t->items));
    t->items[at] = c;
    ++t->count;
    return NAP_RESULT_OK;
}

void component_table_remove(struct component_table *t, uint32_t id)
{
    size_t at = lower_bound(t, id);

    if (at >= t->count || t->items[at]->registration.id != id)
        return;
    nap_registration_clear(&t->items[at]->registration);
    free(t->items[at]->soh);
    free(t->items[at]);
    memmove(&t->items[at], &t->items[at + 1], (t->count - at - 1) * sizeof(*t->items));
    --t->count;
}
