/* Registration management (INapClientManagement, netsh): every change is saved to the storage
 * first and applied in memory only when the save succeeded, so memory never claims more than the
 * registry holds. */
#include <stdlib.h>

#include "agent_internal.h"

static struct component_table *table_of(struct agent *a, enum nap_component_kind kind)
{
    return kind == NAP_COMPONENT_ENFORCEMENT_CLIENT ? &a->ecs : &a->shas;
}

static void load_one(void *context, const struct nap_registration *r)
{
    struct agent *a = context;

    /* What the registry holds is kept even above a lowered limit: a limit refuses new
     * registrations, it does not forget old ones. Damaged entries are skipped. */
    if (nap_registration_validate(r) == NAP_RESULT_OK)
        component_table_add(table_of(a, r->kind), r, 1);
}

nap_result component_admin_load(struct agent *a)
{
    if (!a->storage.load_all)
        return NAP_RESULT_OK;
    return a->storage.load_all(a->storage.context, load_one, a);
}

static nap_result store_save(struct agent *a, const struct nap_registration *r)
{
    nap_result result = a->storage.save ? a->storage.save(a->storage.context, r) : NAP_RESULT_OK;

    if (nap_failed(result))
        agent_emit(a, AGENT_EVENT_STORAGE_FAILED, r->kind, r->id, 0, 0, result);
    return result;
}

static nap_result do_register(struct agent *a, const struct nap_registration *given)
{
    struct component_table *t;
    struct nap_registration r;
    nap_result result;

    if (nap_failed(result = nap_registration_validate(given)))
        return result;
    r = *given;
    if (r.kind == NAP_COMPONENT_SYSTEM_HEALTH_AGENT)
        r.enabled = 1;   /* only ECs are enabled by an administrator */
    r.enabled = !!r.enabled;
    t = table_of(a, r.kind);
    if (component_table_find(t, r.id))
        return NAP_RESULT_CONFLICTING_ID;
    if (t->count >= t->limit) {
        agent_emit(a, AGENT_EVENT_LIMIT_REACHED, r.kind, r.id, 0, 0, NAP_RESULT_OUT_OF_MEMORY);
        return NAP_RESULT_OUT_OF_MEMORY;
    }
    if (nap_failed(result = store_save(a, &r)))
        return result;
    if (nap_failed(result = component_table_add(t, &r, 0))) {
        if (a->storage.remove)
            a->storage.remove(a->storage.context, r.kind, r.id);
        return result;
    }
    agent_emit(a, AGENT_EVENT_REGISTERED, r.kind, r.id, 0, 0, NAP_RESULT_OK);
    return NAP_RESULT_OK;
}

static nap_result do_unregister(struct agent *a, enum nap_component_kind kind, uint32_t id)
{
    struct component *c;
    nap_result result;

    if (kind != NAP_COMPONENT_ENFORCEMENT_CLIENT && kind != NAP_COMPONENT_SYSTEM_HEALTH_AGENT)
        return NAP_RESULT_INVALID_ARG;
    if (!(c = component_table_find(table_of(a, kind), id)))
        return NAP_RESULT_ID_NOT_FOUND;
    if (c->bound)
        return NAP_RESULT_STILL_BOUND;
    if (a->storage.remove && nap_failed(result = a->storage.remove(a->storage.context, kind, id))) {
        agent_emit(a, AGENT_EVENT_STORAGE_FAILED, kind, id, 0, 0, result);
        return result;
    }
    component_table_remove(table_of(a, kind), id);
    agent_emit(a, AGENT_EVENT_UNREGISTERED, kind, id, 0, 0, NAP_RESULT_OK);
    return NAP_RESULT_OK;
}

static nap_result do_set_enabled(struct agent *a, uint32_t id, int enabled)
{
    struct component *c = component_table_find(&a->ecs, id);
    struct nap_registration changed;
    nap_result result;

    if (!c)
        return NAP_RESULT_ID_NOT_FOUND;
    enabled = !!enabled;
    if (c->registration.enabled == enabled)
        return NAP_RESULT_OK;
    changed = c->registration;   /* shallow: the storage copies what it keeps */
    changed.enabled = enabled;
    if (nap_failed(result = store_save(a, &changed)))
        return result;
    c->registration.enabled = enabled;
    agent_emit(a, AGENT_EVENT_ENABLED_CHANGED, NAP_COMPONENT_ENFORCEMENT_CLIENT, id, 0, 0,
               (nap_result)enabled);
    return NAP_RESULT_OK;
}

static nap_result do_list(struct agent *a, enum nap_component_kind kind,
                          struct nap_registration **out, size_t *count)
{
    struct component_table *t;
    struct nap_registration *list;

    *out = NULL;
    *count = 0;
    if (kind != NAP_COMPONENT_ENFORCEMENT_CLIENT && kind != NAP_COMPONENT_SYSTEM_HEALTH_AGENT)
        return NAP_RESULT_INVALID_ARG;
    t = table_of(a, kind);
    if (!t->count)
        return NAP_RESULT_OK;
    if (!(list = calloc(t->count, sizeof(*list))))
        return NAP_RESULT_OUT_OF_MEMORY;
    for (size_t i = 0; i < t->count; ++i) {
        if (nap_failed(nap_registration_copy(&list[i], &t->items[i]->registration))) {
            nap_registrations_free(list, i);
            return NAP_RESULT_OUT_OF_MEMORY;
        }
    }
    *out = list;
    *count = t->count;
    return NAP_RESULT_OK;
}

void component_admin_handle(struct agent *a, struct agent_request *r)
{
    switch (r->kind) {
    case AGENT_REQUEST_REGISTER:
        r->result = do_register(a, r->registration);
        break;
    case AGENT_REQUEST_UNREGISTER:
        r->result = do_unregister(a, r->component_kind, r->id);
        break;
    case AGENT_REQUEST_SET_ENABLED:
        r->result = do_set_enabled(a, r->id, r->flag);
        break;
    case AGENT_REQUEST_LIST:
        r->result = do_list(a, r->component_kind, r->list, r->list_count);
        break;
    default:
        r->result = NAP_RESULT_INVALID_ARG;
        break;
    }
}
