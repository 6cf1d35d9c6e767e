/* Registrations kept in memory: the storage tests use in place of the registry. Thread-safe, so a
 * test can inspect it while the loop runs; a test can make the next save or remove fail. */
#ifndef NAPAGENT_CORE_MEMORY_STORE_H
#define NAPAGENT_CORE_MEMORY_STORE_H

#include <stddef.h>
#include <uv.h>

#include "agent.h"

struct memory_store {
    uv_mutex_t lock;
    struct nap_registration *items;
    size_t count;
    size_t capacity;
    nap_result fail_next;   /* if failed: the next save or remove answers it (once) */
    struct agent_storage storage;  /* points at this store */
};

int memory_store_init(struct memory_store *store);
void memory_store_free(struct memory_store *store);
size_t memory_store_count(struct memory_store *store);
/* Copies the stored registration into *out; 0 when absent. */
int memory_store_get(struct memory_store *store, enum nap_component_kind kind, uint32_t id,
                     struct nap_registration *out);
void memory_store_fail_next(struct memory_store *store, nap_result result);

#endif
