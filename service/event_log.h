/* Event Viewer reporting (see event_log.c). */
#ifndef NAPAGENT_EVENT_LOG_H
#define NAPAGENT_EVENT_LOG_H

#include <windows.h>

struct agent_event;

void event_log_open(void);
void event_log_close(void);
/* The record file events are appended to (Parameters\EventRecordFile), "" when none is open. */
const WCHAR *event_log_record_path(void);
void event_log_report(WORD type, DWORD id, WORD count, const WCHAR **strings);
void event_log_from_core(const struct agent_event *event);

#endif
