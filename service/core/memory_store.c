/* The in-memory agent_storage. Same semantics as the registry store: save replaces an existing
 * entry with the same kind and id, remove of an absent entry succeeds. */
#include <stdlib.h>

#include "memory_store.h"

static size_t find(struct memory_store *s, enum nap_component_kind kind, uint32_t id)
{
    size_t i;

    for (i = 0; i < s->count; ++i)
        if (s->items[i].kind == kind && s->items[i].id == id)
            break;
    return i;
}

static nap_result take_failure(struct memory_store *s)
{
    nap_result r = s->fail_next;
    s->fail_next = NAP_RESULT_OK;
    return r;
}

static nap_result store_load_all(void *context,
                                 void (*add)(void *add_context, const struct nap_registration *r),
                                 void *add_context)
{
    struct memory_store *s = context;

    uv_mutex_lock(&s->lock);
    for (size_t i = 0; i < s->count; ++i)
        add(add_context, &s->items[i]);
    uv_mutex_unlock(&s->lock);
    return NAP_RESULT_OK;
}

static nap_result store_save(void *context, const struct nap_registration *r)
{
    struct memory_store *s = context;
    nap_result result;
    size_t i;

    uv_mutex_lock(&s->lock);
    if (nap_failed(result = take_failure(s)))
        goto done;
    i = find(s, r->kind, r->id);
    if (i == s->count && s->count == s->capacity) {
        size_t capacity = s->capacity ? s->capacity * 2 : 8;
        struct nap_registration *items = realloc(s->items, capacity * sizeof(*items));
        if (!items) {
            result = NAP_RESULT_OUT_OF_MEMORY;
            goto done;
        }
        s->items = items;
        s->capacity = capacity;
    }
    if (i < s->count) {
        struct nap_registration copy;
        if (nap_failed(result = nap_registration_copy(&copy, r)))
            goto done;
        nap_registration_clear(&s->items[i]);
        s->items[i] = copy;
    } else if (!nap_failed(result = nap_registration_copy(&s->items[i], r))) {
        ++s->count;
    }
done:
    uv_mutex_unlock(&s->lock);
    return result;
}

static nap_result store_remove(void *context, enum nap_component_kind kind, uint32_t id)
{
    struct memory_store *s = context;
    nap_result result;
    size_t i;

    uv_mutex_lock(&s->lock);
    if (!nap_failed(result = take_failure(s)) && (i = find(s, kind, id)) < s->count) {
        nap_registration_clear(&s->items[i]);
        s->items[i] = s->items[--s->count];
    }
    uv_mutex_unlock(&s->lock);
    return result;
}

int memory_store_init(struct memory_store *store)
{
    store->items = NULL;
    store->count = store->capacity = 0;
    store->fail_next = NAP_RESULT_OK;
    store->storage.context = store;
    store->storage.load_all = store_load_all;
    store->storage.save = store_save;
    store->storage.remove = store_remove;
    return uv_mutex_init(&store->lock);
}

void memory_store_free(struct memory_store *store)
{
    nap_registrations_free(store->items, store->count);
    store->items = NULL;
    store->count = store->capacity = 0;
    uv_mutex_destroy(&store->lock);
}

size_t memory_store_count(struct memory_store *store)
{
    size_t n;

    uv_mutex_lock(&store->lock);
    n = store->count;
    uv_mutex_unlock(&store->lock);
    return n;
}

int memory_store_get(struct memory_store *store, enum nap_component_kind kind, uint32_t id,
                     struct nap_registration *out)
{
    int found = 0;
    size_t i;

    uv_mutex_lock(&store->lock);
    if ((i = find(store, kind, id)) < store->count)
        found = nap_registration_copy(out, &store->items[i]) == NAP_RESULT_OK;
    uv_mutex_unlock(&store->lock);
    return found;
}

void memory_store_fail_next(struct memory_store *store, nap_result result)
{
    uv_mutex_lock(&store->lock);
    store->fail_next = result;
    uv_mutex_unlock(&store->lock);
}
