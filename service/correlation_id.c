#include "correlation_id.h"
#include "counted_string.h"
#include <stdio.h>

HRESULT correlation_id_new(CorrelationId *id)
{
    HRESULT hr = CoCreateGuid(&id->connId);

    GetSystemTimeAsFileTime(&id->timeStamp);
    return hr;
}

HRESULT correlation_id_string(const CorrelationId *id, StringCorrelationId **out)
{
    WCHAR guid[39], text[80];
    SYSTEMTIME time;

    StringFromGUID2(&id->connId, guid, ARRAYSIZE(guid));
    if (FileTimeToSystemTime(&id->timeStamp, &time))
        _snwprintf(text, ARRAYSIZE(text), L"%ls - %04u/%02u/%02u %02u:%02u:%02u.%03u", guid, time.wYear,
                   time.wMonth, time.wDay, time.wHour, time.wMinute, time.wSecond, time.wMilliseconds);
    else
        _snwprintf(text, ARRAYSIZE(text), L"%ls - %08lX%08lX", guid, id->timeStamp.dwHighDateTime,
                   id->timeStamp.dwLowDateTime);
    text[ARRAYSIZE(text) - 1] = 0;
    return counted_string_new(text, out);
}

void correlation_id_to_core(const CorrelationId *id, struct agent_correlation_id *out)
{
    _Static_assert(sizeof(out->guid) == sizeof(id->connId), "a GUID is 16 bytes");
    memcpy(out->guid, &id->connId, sizeof(out->guid));
    out->time = (UINT64)id->timeStamp.dwHighDateTime << 32 | id->timeStamp.dwLowDateTime;
}

void correlation_id_from_core(const struct agent_correlation_id *id, CorrelationId *out)
{
    memcpy(&out->connId, id->guid, sizeof(out->connId));
    out->timeStamp.dwHighDateTime = (DWORD)(id->time >> 32);
    out->timeStamp.dwLowDateTime = (DWORD)id->time;
}
