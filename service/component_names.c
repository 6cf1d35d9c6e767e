/* Friendly names for event insertion strings, so an administrator reads "EC 79617 (Contoso
 * VPN)". The diagnostics sink must not call the core, so the names come from the registry the
 * core saves registrations to (every change is saved before its event is emitted), and are
 * kept here so that the event of an unregistration, whose registry key is already gone, still
 * has its name. Called only on the core's loop thread, like the sink: no lock. */
#include "component_names.h"
#include "registry_store.h"
#include <stdio.h>

#define NAME_CHARS 128

struct component_name
{
    enum nap_component_kind kind;
    uint32_t id;
    WCHAR name[NAME_CHARS];
};

static struct component_name *names;
static size_t name_count, name_capacity;
static BOOL loaded;

static struct component_name *find(enum nap_component_kind kind, uint32_t id)
{
    for (size_t i = 0; i < name_count; i++)
        if (names[i].kind == kind && names[i].id == id)
            return &names[i];
    return NULL;
}

static void add(void *context, const struct nap_registration *r)
{
    struct component_name *entry;
    size_t n = 0;

    (void)context;
    if (!(entry = find(r->kind, r->id)))
    {
        if (name_count == name_capacity)
        {
            size_t capacity = name_capacity ? name_capacity * 2 : 16;
            struct component_name *grown = names ? HeapReAlloc(GetProcessHeap(), 0, names, capacity * sizeof(*names))
                                                 : HeapAlloc(GetProcessHeap(), 0, capacity * sizeof(*names));
            if (!grown)
                return; /* no name in the event: not worth failing anything for */
            names = grown;
            name_capacity = capacity;
        }
        entry = &names[name_count++];
        entry->kind = r->kind;
        entry->id = r->id;
    }
    /* A CountedString may hold NULs; the label ends at the first. */
    while (n < r->friendly_name.length && n + 1 < NAME_CHARS && r->friendly_name.chars[n])
    {
        entry->name[n] = r->friendly_name.chars[n];
        n++;
    }
    entry->name[n] = 0;
}

static void load(void)
{
    registry_store.load_all(NULL, add, NULL);
    loaded = TRUE;
}

void component_names_label(enum nap_component_kind kind, uint32_t id, WCHAR *label, size_t size)
{
    const struct component_name *entry;

    if (!loaded)
        load();
    entry = find(kind, id);
    if (entry && entry->name[0])
        _snwprintf(label, size, L"%u (%ls)", id, entry->name);
    else
        _snwprintf(label, size, L"%u", id);
    label[size - 1] = 0;
}

void component_names_registered(void)
{
    load();
}

void component_names_unregistered(enum nap_component_kind kind, uint32_t id)
{
    struct component_name *entry = find(kind, id);

    if (entry)
        *entry = names[--name_count];
}

void component_names_clear(void)
{
    HeapFree(GetProcessHeap(), 0, names);
    names = NULL;
    name_count = name_capacity = 0;
    loaded = FALSE;
}
