/* The retry policy (and the service log's cap, LogMaxBytes) from
 * HKLM\SYSTEM\CurrentControlSet\Services\napagent\Parameters. A value
 * that is missing, of the wrong type, out of range or inconsistent with another gives way to its
 * default: a damaged configuration must never keep the NAP agent from starting, and the
 * administrator hears about it (service log, event 117) instead. The core's own normalization
 * decides what is valid, so the registry can never hold a policy the core would refuse. */
#include "parameters.h"
#include "napagent.h"
#include "event_log.h"
#include "events.h"
#include <stdio.h>

/* Which enum retry_policy_replaced bit tells that normalization replaced a parameter. */
static const unsigned replaced_bits[PARAMETER_COUNT] = {
    [PARAMETER_RETRY_INITIAL_DELAY] = RETRY_REPLACED_FIRST_DELAY,
    [PARAMETER_RETRY_BACKOFF_FACTOR] = RETRY_REPLACED_FACTOR,
    [PARAMETER_RETRY_MAX_DELAY] = RETRY_REPLACED_MAX_DELAY,
    [PARAMETER_RETRY_JITTER] = RETRY_REPLACED_JITTER,
    [PARAMETER_RETRY_WARNING_ATTEMPTS] = RETRY_REPLACED_ATTEMPTS,
};

const struct parameter_info parameter_table[PARAMETER_COUNT] = {
    [PARAMETER_RETRY_INITIAL_DELAY] = {L"RetryInitialDelayMs", RETRY_DEFAULT_FIRST_DELAY_MS, 1,
                                       RETRY_MAX_DELAY_LIMIT_MS},
    [PARAMETER_RETRY_BACKOFF_FACTOR] = {L"RetryBackoffFactorPermille", RETRY_DEFAULT_FACTOR_PERMILLE, 1000,
                                        RETRY_MAX_FACTOR_PERMILLE},
    [PARAMETER_RETRY_MAX_DELAY] = {L"RetryMaxDelayMs", RETRY_DEFAULT_MAX_DELAY_MS, 1, RETRY_MAX_DELAY_LIMIT_MS},
    [PARAMETER_RETRY_JITTER] = {L"RetryJitterPermille", RETRY_DEFAULT_JITTER_PERMILLE, 0, 1000},
    [PARAMETER_RETRY_WARNING_ATTEMPTS] = {L"RetryWarningAttempts", RETRY_DEFAULT_EXHAUSTED_AFTER, 1, 0xffffffffu},
};

uint32_t *parameter_field(struct retry_policy *policy, enum parameter_id id)
{
    switch (id)
    {
    case PARAMETER_RETRY_INITIAL_DELAY: return &policy->first_delay_ms;
    case PARAMETER_RETRY_BACKOFF_FACTOR: return &policy->factor_permille;
    case PARAMETER_RETRY_MAX_DELAY: return &policy->max_delay_ms;
    case PARAMETER_RETRY_JITTER: return &policy->jitter_permille;
    default: return &policy->exhausted_after;
    }
}

static const WCHAR *type_name(DWORD type)
{
    switch (type)
    {
    case REG_SZ: return L"REG_SZ";
    case REG_EXPAND_SZ: return L"REG_EXPAND_SZ";
    case REG_BINARY: return L"REG_BINARY";
    case REG_DWORD: return L"REG_DWORD";
    case REG_MULTI_SZ: return L"REG_MULTI_SZ";
    case REG_QWORD: return L"REG_QWORD";
    default: return L"REG_NONE or unknown";
    }
}

/* One REG_DWORD as the registry holds it: absent, configured (r->value) or invalid (r->problem). */
static void read_dword(HKEY key, const WCHAR *name, struct parameter_reading *r)
{
    BYTE data[64];
    DWORD size = sizeof(data), type = REG_NONE;
    LSTATUS err = key ? RegQueryValueExW(key, name, NULL, &type, data, &size) : ERROR_FILE_NOT_FOUND;

    memset(r, 0, sizeof(*r));
    if (err == ERROR_FILE_NOT_FOUND)
        return;
    r->state = PARAMETER_INVALID;
    r->type = type;
    if (err && err != ERROR_MORE_DATA)
        _snwprintf(r->problem, ARRAYSIZE(r->problem), L"it cannot be read (error %ld)", (long)err);
    else if (type != REG_DWORD || size != sizeof(DWORD))
        _snwprintf(r->problem, ARRAYSIZE(r->problem), L"a %ls value of %lu bytes where a REG_DWORD is expected",
                   type_name(type), size);
    else
    {
        memcpy(&r->value, data, sizeof(DWORD));
        r->state = PARAMETER_CONFIGURED;
    }
    r->problem[ARRAYSIZE(r->problem) - 1] = 0;
}

static void read_one(HKEY key, enum parameter_id id, struct parameter_reading *r, struct retry_policy *policy)
{
    read_dword(key, parameter_table[id].name, r);
    if (r->state == PARAMETER_CONFIGURED)
        *parameter_field(policy, id) = r->value;
}

void parameters_read(struct parameter_reading readings[PARAMETER_COUNT], struct retry_policy *policy)
{
    struct retry_policy p;
    unsigned replaced;
    HKEY key = NULL;

    retry_policy_defaults(&p);
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, NAPAGENT_PARAMETERS_KEY, 0, KEY_QUERY_VALUE, &key))
        key = NULL;
    for (int id = 0; id < PARAMETER_COUNT; id++)
        read_one(key, id, &readings[id], &p);
    if (key)
        RegCloseKey(key);

    replaced = retry_policy_normalize(&p);
    for (int id = 0; id < PARAMETER_COUNT; id++)
    {
        struct parameter_reading *r = &readings[id];
        const struct parameter_info *info = &parameter_table[id];

        r->used = *parameter_field(&p, id);
        if (!(replaced & replaced_bits[id]) || r->state != PARAMETER_CONFIGURED)
            continue;
        r->state = PARAMETER_INVALID;
        /* The one inconsistency between values: a first delay beyond the cap. */
        if (id == PARAMETER_RETRY_INITIAL_DELAY && r->value >= info->minimum && r->value <= info->maximum)
            _snwprintf(r->problem, ARRAYSIZE(r->problem), L"%lu is more than %ls (%lu)", r->value,
                       parameter_table[PARAMETER_RETRY_MAX_DELAY].name, (unsigned long)p.max_delay_ms);
        else
            _snwprintf(r->problem, ARRAYSIZE(r->problem), L"%lu is out of range (%lu to %lu)", r->value,
                       info->minimum, info->maximum);
        r->problem[ARRAYSIZE(r->problem) - 1] = 0;
    }
    if (policy)
        *policy = p;
}

const struct parameter_info parameter_log_max_bytes = {PARAMETER_LOG_MAX_BYTES, SERVICE_LOG_DEFAULT_MAX_BYTES,
                                                        SERVICE_LOG_MIN_MAX_BYTES, SERVICE_LOG_MAX_MAX_BYTES};

void parameters_read_log_max_bytes(struct parameter_reading *r)
{
    const struct parameter_info *info = &parameter_log_max_bytes;
    HKEY key = NULL;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, NAPAGENT_PARAMETERS_KEY, 0, KEY_QUERY_VALUE, &key))
        key = NULL;
    read_dword(key, info->name, r);
    if (key)
        RegCloseKey(key);
    r->used = info->default_value;
    if (r->state != PARAMETER_CONFIGURED)
        return;
    if (r->value >= info->minimum && r->value <= info->maximum)
    {
        r->used = r->value;
        return;
    }
    r->state = PARAMETER_INVALID;
    _snwprintf(r->problem, ARRAYSIZE(r->problem), L"%lu is out of range (%lu to %lu)", r->value, info->minimum,
               info->maximum);
    r->problem[ARRAYSIZE(r->problem) - 1] = 0;
}

/* The service log's cap, handed to the log (which also reports then what it refused to write:
 * the event log is open by now). */
static void load_log_max_bytes(void)
{
    struct parameter_reading r;
    WCHAR used[48];
    const WCHAR *strings[3] = {PARAMETER_LOG_MAX_BYTES, r.problem, used};

    parameters_read_log_max_bytes(&r);
    if (r.state == PARAMETER_INVALID)
    {
        _snwprintf(used, ARRAYSIZE(used), L"%lu (the default)", r.used);
        used[ARRAYSIZE(used) - 1] = 0;
        service_log("configuration: %ls: %ls; using %ls", PARAMETER_LOG_MAX_BYTES, r.problem, used);
        event_log_report(EVENTLOG_WARNING_TYPE, NAPAGENT_EVENT_BAD_CONFIGURATION_VALUE, 3, strings);
    }
    service_log_configure(r.used);
    service_log("service log: at most %lu bytes, then rotated (%d older files kept)", r.used,
                SERVICE_LOG_GENERATIONS);
}

void parameters_load(struct agent_config *config)
{
    struct parameter_reading readings[PARAMETER_COUNT];

    load_log_max_bytes();
    parameters_read(readings, &config->retry);
    for (int id = 0; id < PARAMETER_COUNT; id++)
    {
        const struct parameter_reading *r = &readings[id];
        WCHAR used[48];
        const WCHAR *strings[3] = {parameter_table[id].name, r->problem, used};

        if (r->state != PARAMETER_INVALID)
            continue;
        _snwprintf(used, ARRAYSIZE(used), r->used == parameter_table[id].default_value ? L"%lu (the default)" : L"%lu",
                   r->used);
        used[ARRAYSIZE(used) - 1] = 0;
        service_log("configuration: %ls: %ls; using %ls", parameter_table[id].name, r->problem, used);
        event_log_report(EVENTLOG_WARNING_TYPE, NAPAGENT_EVENT_BAD_CONFIGURATION_VALUE, 3, strings);
    }
    service_log("retry policy: first %u ms, factor %u/1000, cap %u ms, jitter %u/1000, warning after %u",
                config->retry.first_delay_ms, config->retry.factor_permille, config->retry.max_delay_ms,
                config->retry.jitter_permille, config->retry.exhausted_after);
}

void parameters_read_record_file(struct record_file_reading *r)
{
    DWORD size = sizeof(r->path) - sizeof(WCHAR);
    LSTATUS err = ERROR_FILE_NOT_FOUND;
    HKEY key;

    memset(r, 0, sizeof(*r));
    if (!RegOpenKeyExW(HKEY_LOCAL_MACHINE, NAPAGENT_PARAMETERS_KEY, 0, KEY_QUERY_VALUE, &key))
    {
        err = RegQueryValueExW(key, PARAMETER_EVENT_RECORD_FILE, NULL, &r->type, (BYTE *)r->path, &size);
        RegCloseKey(key);
    }
    r->path[ARRAYSIZE(r->path) - 1] = 0;
    if (err == ERROR_FILE_NOT_FOUND)
        return;
    r->state = PARAMETER_INVALID;
    if (err)
        _snwprintf(r->problem, ARRAYSIZE(r->problem), L"it cannot be read (error %ld; longer than %u characters?)",
                   (long)err, MAX_PATH - 1);
    else if (r->type != REG_SZ)
        _snwprintf(r->problem, ARRAYSIZE(r->problem), L"a %ls value where a REG_SZ is expected", type_name(r->type));
    else if (!r->path[0])
        _snwprintf(r->problem, ARRAYSIZE(r->problem), L"an empty path");
    else
        r->state = PARAMETER_CONFIGURED;
    r->problem[ARRAYSIZE(r->problem) - 1] = 0;
    if (r->state != PARAMETER_CONFIGURED)
        r->path[0] = 0;
}

HRESULT parameters_write_retry(unsigned which, const struct retry_policy *policy)
{
    struct retry_policy copy = *policy;
    LSTATUS err;
    HKEY key;

    err = RegCreateKeyExW(HKEY_LOCAL_MACHINE, NAPAGENT_PARAMETERS_KEY, 0, NULL, 0, KEY_SET_VALUE, NULL, &key, NULL);
    if (err)
        return HRESULT_FROM_WIN32(err);
    for (int id = 0; id < PARAMETER_COUNT && !err; id++)
    {
        DWORD value = *parameter_field(&copy, id);

        if (which & (1u << id))
            err = RegSetValueExW(key, parameter_table[id].name, 0, REG_DWORD, (const BYTE *)&value, sizeof(value));
    }
    RegCloseKey(key);
    return err ? HRESULT_FROM_WIN32(err) : S_OK;
}
