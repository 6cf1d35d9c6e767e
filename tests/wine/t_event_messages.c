/* Every event ID napagent reports renders through FormatMessage from the message file the event
 * source names (napagent.exe's own resources), with its insertion strings in place. */
#include <windows.h>
#include <stdio.h>
#include "../tap.h"

struct expected_event
{
    DWORD id;
    int inserts;
};

/* The IDs of service/events.mc and how many insertion strings each takes. */
static const struct expected_event events[] = {
    {1, 1}, {2, 1}, {4, 1}, {5, 1}, {6, 1}, {7, 1}, {9, 1}, {10, 1}, {11, 4}, {15, 2}, {16, 1}, {18, 1}, {26, 1},
    {100, 0}, {101, 2}, {102, 2}, {103, 2}, {104, 2}, {105, 1}, {110, 1}, {111, 4}, {112, 3},
    {113, 3}, {114, 2}, {115, 2}, {116, 3}, {117, 3}, {118, 5}, {119, 1}, {120, 1}, {121, 2},
    {122, 3}, {123, 1}, {124, 4}, {125, 3},
    {126, 2},
};

int main(void)
{
    WCHAR file[MAX_PATH], expanded[MAX_PATH];
    DWORD size = sizeof(file);
    LSTATUS err;
    HMODULE module;

    err = RegGetValueW(HKEY_LOCAL_MACHINE, L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\napagent",
                       L"EventMessageFile", RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND, NULL, file, &size);
    ok(!err, "the event source names its message file, got error %ld", err);
    if (err)
        return tap_done();
    ExpandEnvironmentStringsW(file, expanded, ARRAYSIZE(expanded));
    module = LoadLibraryExW(expanded, NULL, LOAD_LIBRARY_AS_DATAFILE);
    ok(module != NULL, "the message file %ls loads as a data file, error %lu", expanded, GetLastError());
    if (!module)
        return tap_done();
    for (size_t i = 0; i < ARRAYSIZE(events); i++)
    {
        const WCHAR *inserts[5] = {L"INSERT-ONE", L"INSERT-TWO", L"INSERT-THREE", L"INSERT-FOUR", L"INSERT-FIVE"};
        WCHAR text[1024];
        DWORD len = FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ARGUMENT_ARRAY, module,
                                   events[i].id, MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US), text,
                                   ARRAYSIZE(text), (va_list *)inserts);
        int all_inserted = len > 0;

        for (int n = 0; n < events[i].inserts && all_inserted; n++)
            all_inserted = wcsstr(text, inserts[n]) != NULL;
        ok(all_inserted && !wcsstr(text, L"%"), "event %lu renders with its %d insertion string(s): \"%ls\"",
           events[i].id, events[i].inserts, len ? text : L"(nothing)");
    }
    FreeLibrary(module);
    return tap_done();
}
