/* Event Viewer reporting (see event_log.c). */
#ifndef NAPAGENT_EVENT_LOG_H
#define NAPAGENT_EVENT_LOG_H

#include <windows.h>

#include "registration.h"

struct agent_event;

void event_log_open(void);
void event_log_close(void);
/* The record file events are appended to (Parameters\EventRecordFile), "" when none is open. */
const WCHAR *event_log_record_path(void);
void event_log_report(WORD type, DWORD id, WORD count, const WCHAR **strings);
/* An event a caller can cause at will (a refusal): reported within the limits of event_limit.h,
 * after one "N more were not reported" event (125) when some were held back. */
void event_log_refusal(WORD type, DWORD id, enum nap_component_kind kind, UINT32 component, WORD count,
                       const WCHAR **strings);
void event_log_from_core(const struct agent_event *event);

#endif
