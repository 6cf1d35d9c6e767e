/* The service's configuration in HKLM\SYSTEM\CurrentControlSet\Services\napagent\Parameters
 * (docs/operations.md): the retry policy, one REG_DWORD per field; the event record file; the
 * service log's cap. */
#ifndef NAPAGENT_PARAMETERS_H
#define NAPAGENT_PARAMETERS_H

#include "agent.h" /* first: libuv wants winsock2.h before windows.h */
#include <windows.h>

#define NAPAGENT_PARAMETERS_KEY L"SYSTEM\\CurrentControlSet\\Services\\napagent\\Parameters"

enum parameter_id
{
    PARAMETER_RETRY_INITIAL_DELAY,
    PARAMETER_RETRY_BACKOFF_FACTOR,
    PARAMETER_RETRY_MAX_DELAY,
    PARAMETER_RETRY_JITTER,
    PARAMETER_RETRY_WARNING_ATTEMPTS,
    PARAMETER_COUNT
};

struct parameter_info
{
    const WCHAR *name;
    DWORD default_value, minimum, maximum;
};
extern const struct parameter_info parameter_table[PARAMETER_COUNT];

enum parameter_state
{
    PARAMETER_ABSENT,
    PARAMETER_CONFIGURED,
    PARAMETER_INVALID,
};

/* One value as the registry holds it, and what the service makes of it. */
struct parameter_reading
{
    enum parameter_state state;
    DWORD type;         /* REG_NONE when absent */
    DWORD value;        /* the REG_DWORD's value, 0 for another type */
    DWORD used;         /* what a service started now would use */
    WCHAR problem[128]; /* for PARAMETER_INVALID: what is wrong, for an administrator */
};

/* The one text value: a file every reported event is also appended to (docs/events.md). */
#define PARAMETER_EVENT_RECORD_FILE L"EventRecordFile"

/* EventRecordFile as the registry holds it now: state, type and the path (REG_SZ only; a
 * REG_EXPAND_SZ or other type is invalid). */
struct record_file_reading
{
    enum parameter_state state;
    DWORD type;
    WCHAR path[MAX_PATH];
    WCHAR problem[128];
};
void parameters_read_record_file(struct record_file_reading *reading);

/* The service log's cap in bytes (REG_DWORD, read at start; out of range or of another type: the
 * default, and event 117). */
#define PARAMETER_LOG_MAX_BYTES L"LogMaxBytes"
extern const struct parameter_info parameter_log_max_bytes;
/* LogMaxBytes as the registry holds it now; reading->used is what a service started now uses. */
void parameters_read_log_max_bytes(struct parameter_reading *reading);

/* The policy field a parameter sets. */
uint32_t *parameter_field(struct retry_policy *policy, enum parameter_id id);

/* Reads every value now. *policy (may be NULL) receives the valid policy they make: an invalid
 * value gives way to its default, never failing. */
void parameters_read(struct parameter_reading readings[PARAMETER_COUNT], struct retry_policy *policy);
/* At service start: config->retry from the registry, and the service log's cap (handed to
 * service_log_configure); each invalid value is logged and reported (event 117). */
void parameters_load(struct agent_config *config);
/* Writes the fields of `policy` whose parameter_id bits (1 << id) are in `which`. */
HRESULT parameters_write_retry(unsigned which, const struct retry_policy *policy);

#endif
