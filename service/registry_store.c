/* The core's storage interface backed by the registry:
 * HKLM\SYSTEM\CurrentControlSet\Services\napagent\Registrations\{EnforcementClients,
 * SystemHealthAgents}\<id as 8 hex digits>, one value per NapComponentRegistrationInfo field. */
/* agent.h brings uv.h, whose winsock2.h must come before windows.h. */
#include "registry_store.h"
#include "napagent.h"
#include "event_log.h"
#include "events.h"
#include <stdio.h>

static const WCHAR *kind_key(enum nap_component_kind kind)
{
    return kind == NAP_COMPONENT_ENFORCEMENT_CLIENT ? NAPAGENT_REGISTRATIONS_KEY L"\\EnforcementClients"
                                                    : NAPAGENT_REGISTRATIONS_KEY L"\\SystemHealthAgents";
}

static void item_path(enum nap_component_kind kind, uint32_t id, WCHAR *path, size_t len)
{
    _snwprintf(path, len, L"%ls\\%08x", kind_key(kind), id);
    path[len - 1] = 0;
}

static LSTATUS write_text(HKEY key, const WCHAR *name, const struct nap_text *text)
{
    /* Stored as REG_BINARY: a CountedString may hold any UTF-16 code unit, NULs included. */
    return RegSetValueExW(key, name, 0, REG_BINARY, (const BYTE *)text->chars,
                          (DWORD)text->length * sizeof(uint16_t));
}

static nap_result registry_save(void *context, const struct nap_registration *r)
{
    WCHAR path[200];
    HKEY key;
    DWORD dword;
    LSTATUS err;

    (void)context;
    item_path(r->kind, r->id, path, ARRAYSIZE(path));
    err = RegCreateKeyExW(HKEY_LOCAL_MACHINE, path, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL);
    if (err)
        return HRESULT_FROM_WIN32(err);
    if (!err) err = write_text(key, L"FriendlyName", &r->friendly_name);
    if (!err) err = write_text(key, L"Description", &r->description);
    if (!err) err = write_text(key, L"Version", &r->version);
    if (!err) err = write_text(key, L"VendorName", &r->vendor_name);
    if (!err) err = RegSetValueExW(key, L"InfoClsid", 0, REG_BINARY, r->info_clsid, 16);
    if (!err) err = RegSetValueExW(key, L"ConfigClsid", 0, REG_BINARY, r->config_clsid, 16);
    if (!err) err = RegSetValueExW(key, L"RegistrationDate", 0, REG_QWORD, (const BYTE *)&r->registration_date, 8);
    dword = r->component_type;
    if (!err) err = RegSetValueExW(key, L"ComponentType", 0, REG_DWORD, (const BYTE *)&dword, 4);
    dword = r->enabled ? 1 : 0;
    if (!err) err = RegSetValueExW(key, L"Enabled", 0, REG_DWORD, (const BYTE *)&dword, 4);
    /* The registering account's SID. A registration without it (written before owners were kept)
     * is LocalSystem's and the administrators' only. */
    if (!err && r->owner.sid_size)
        err = RegSetValueExW(key, L"Owner", 0, REG_BINARY, r->owner.sid, r->owner.sid_size);
    RegCloseKey(key);
    return err ? HRESULT_FROM_WIN32(err) : NAP_RESULT_OK;
}

static nap_result registry_remove(void *context, enum nap_component_kind kind, uint32_t id)
{
    WCHAR path[200];
    LSTATUS err;

    (void)context;
    item_path(kind, id, path, ARRAYSIZE(path));
    err = RegDeleteKeyW(HKEY_LOCAL_MACHINE, path);
    return err && err != ERROR_FILE_NOT_FOUND ? HRESULT_FROM_WIN32(err) : NAP_RESULT_OK;
}

/* Reads one value of exactly `size` bytes, or any size up to `size` when !exact. */
static BOOL read_value(HKEY key, const WCHAR *name, void *data, DWORD size, BOOL exact, DWORD *got)
{
    DWORD len = size;

    if (RegQueryValueExW(key, name, NULL, NULL, data, &len) || (exact && len != size))
        return FALSE;
    if (got)
        *got = len;
    return TRUE;
}

static BOOL read_text(HKEY key, const WCHAR *name, struct nap_text *text)
{
    static uint16_t buffer[NAP_MAX_STRING_LENGTH];
    DWORD len;

    if (!read_value(key, name, buffer, sizeof(buffer), FALSE, &len) || len % 2)
        return FALSE;
    text->length = (uint16_t)(len / 2);
    text->chars = text->length ? HeapAlloc(GetProcessHeap(), 0, len) : NULL;
    if (text->length && !text->chars)
        return FALSE;
    if (text->length)
        memcpy(text->chars, buffer, len);
    return TRUE;
}

/* The optional Owner value: absent is no owner; present, it must be a valid SID. */
static BOOL read_owner(HKEY key, struct nap_identity *owner)
{
    DWORD size = sizeof(owner->sid), type;
    LSTATUS err = RegQueryValueExW(key, L"Owner", NULL, &type, owner->sid, &size);

    owner->sid_size = 0;
    if (err == ERROR_FILE_NOT_FOUND)
        return TRUE;
    if (err || type != REG_BINARY || !IsValidSid((PSID)owner->sid) || GetLengthSid((PSID)owner->sid) != size)
        return FALSE;
    owner->sid_size = (uint8_t)size;
    return TRUE;
}

static void free_text(struct nap_text *text)
{
    HeapFree(GetProcessHeap(), 0, text->chars);
    text->chars = NULL;
}

/* For the administrator (event 121) and the service log: which key, and why. */
static void report_damaged(enum nap_component_kind kind, const WCHAR *name, const WCHAR *why)
{
    WCHAR where[80];
    const WCHAR *strings[2] = {where, why};

    _snwprintf(where, ARRAYSIZE(where), L"%ls\\%ls",
               kind == NAP_COMPONENT_ENFORCEMENT_CLIENT ? L"EnforcementClients" : L"SystemHealthAgents", name);
    where[ARRAYSIZE(where) - 1] = 0;
    event_log_report(EVENTLOG_WARNING_TYPE, NAPAGENT_EVENT_REGISTRATION_DAMAGED, 2, strings);
    service_log("registry: registration '%ls' ignored: %ls", where, why);
}

/* A registration that cannot be read whole is skipped and reported; the others still load. */
static void load_kind(enum nap_component_kind kind,
                      void (*add)(void *add_context, const struct nap_registration *r), void *add_context)
{
    HKEY parent;
    WCHAR name[32];

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, kind_key(kind), 0, KEY_READ, &parent))
        return;
    for (DWORD index = 0;; index++)
    {
        DWORD name_len = ARRAYSIZE(name), dword;
        struct nap_registration r = {0};
        WCHAR *end;
        HKEY key;
        BOOL good;

        if (RegEnumKeyExW(parent, index, name, &name_len, NULL, NULL, NULL, NULL))
            break;
        r.kind = kind;
        r.id = wcstoul(name, &end, 16);
        if (!*name || *end || RegOpenKeyExW(parent, name, 0, KEY_READ, &key))
        {
            report_damaged(kind, name, L"its name is not an id of 8 hex digits");
            continue;
        }
        good = read_text(key, L"FriendlyName", &r.friendly_name) && read_text(key, L"Description", &r.description)
            && read_text(key, L"Version", &r.version) && read_text(key, L"VendorName", &r.vendor_name)
            && read_value(key, L"InfoClsid", r.info_clsid, 16, TRUE, NULL)
            && read_value(key, L"ConfigClsid", r.config_clsid, 16, TRUE, NULL)
            && read_value(key, L"RegistrationDate", &r.registration_date, 8, TRUE, NULL)
            && read_value(key, L"ComponentType", &r.component_type, 4, TRUE, NULL)
            && read_value(key, L"Enabled", &dword, 4, TRUE, NULL);
        if (good)
            good = read_owner(key, &r.owner);
        RegCloseKey(key);
        r.enabled = kind == NAP_COMPONENT_SYSTEM_HEALTH_AGENT || (good && dword);
        if (good)
            add(add_context, &r);
        else
            report_damaged(kind, name, L"a value is missing or of the wrong type or size");
        free_text(&r.friendly_name);
        free_text(&r.description);
        free_text(&r.version);
        free_text(&r.vendor_name);
    }
    RegCloseKey(parent);
}

static nap_result registry_load_all(void *context,
                                    void (*add)(void *add_context, const struct nap_registration *r),
                                    void *add_context)
{
    (void)context;
    load_kind(NAP_COMPONENT_ENFORCEMENT_CLIENT, add, add_context);
    load_kind(NAP_COMPONENT_SYSTEM_HEALTH_AGENT, add, add_context);
    return NAP_RESULT_OK;
}

const struct agent_storage registry_store = {
    NULL,
    registry_load_all,
    registry_save,
    registry_remove,
};
