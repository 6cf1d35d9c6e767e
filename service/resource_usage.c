/* Handles are counted from the system's handle table: Wine 8's GetProcessHandleCount answers 0,
 * while SystemHandleInformation lists every handle with its owner. Heap bytes: heap_in_use.h. */
#include "resource_usage.h"
#include "napagent.h"
#include "heap_in_use.h"
#include <psapi.h>
#include <tlhelp32.h>
#include <winternl.h>

#define SYSTEM_HANDLE_INFORMATION_CLASS 16
#define STATUS_INFO_LENGTH_MISMATCH ((NTSTATUS)0xC0000004)

struct handle_entry
{
    ULONG owner_pid;
    BYTE object_type;
    BYTE flags;
    USHORT value;
    PVOID object;
    ULONG access;
};

struct handle_table
{
    ULONG count;
    struct handle_entry entries[1];
};

static UINT32 count_handles(void)
{
    ULONG size = 1 << 18, needed = 0;
    DWORD self = GetCurrentProcessId();
    struct handle_table *table = NULL;
    NTSTATUS status = STATUS_INFO_LENGTH_MISMATCH;
    UINT32 count = 0;

    while (status == STATUS_INFO_LENGTH_MISMATCH && size <= (1u << 26))
    {
        HeapFree(GetProcessHeap(), 0, table);
        if (!(table = HeapAlloc(GetProcessHeap(), 0, size)))
            return 0;
        status = NtQuerySystemInformation(SYSTEM_HANDLE_INFORMATION_CLASS, table, size, &needed);
        size *= 2;
    }
    for (ULONG i = 0; !status && i < table->count; ++i)
        count += table->entries[i].owner_pid == self;
    HeapFree(GetProcessHeap(), 0, table);
    if (!count)
        GetProcessHandleCount(GetCurrentProcess(), (DWORD *)&count);
    return count;
}

static LONG live_objects[SERVED_OBJECT_KINDS];

void resource_usage_object_created(enum served_object_kind kind)
{
    InterlockedIncrement(&live_objects[kind]);
}

void resource_usage_object_destroyed(enum served_object_kind kind)
{
    InterlockedDecrement(&live_objects[kind]);
}

static UINT32 count_threads(void)
{
    HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
    THREADENTRY32 entry;
    DWORD self = GetCurrentProcessId();
    UINT32 count = 0;

    if (snapshot == INVALID_HANDLE_VALUE)
        return 0;
    entry.dwSize = sizeof(entry);
    for (BOOL more = Thread32First(snapshot, &entry); more; more = Thread32Next(snapshot, &entry))
        count += entry.th32OwnerProcessID == self;
    CloseHandle(snapshot);
    return count;
}

HRESULT resource_usage_measure(NapAgentResourceUsage *usage)
{
    PROCESS_MEMORY_COUNTERS memory;

    if (!usage)
        return E_POINTER;
    memset(usage, 0, sizeof(*usage));
    memset(&memory, 0, sizeof(memory));
    if (GetProcessMemoryInfo(GetCurrentProcess(), &memory, sizeof(memory)))
    {
        usage->commitBytes = memory.PagefileUsage;
        usage->workingSetBytes = memory.WorkingSetSize;
    }
    usage->handles = count_handles();
    usage->threads = count_threads();
    usage->heapBytes = heap_bytes_in_use();
    usage->ecBindings = live_objects[SERVED_EC_BINDING];
    usage->shaBindings = live_objects[SERVED_SHA_BINDING];
    usage->connections = live_objects[SERVED_CONNECTION];
    usage->shaRequests = live_objects[SERVED_SHA_REQUEST];
    usage->otherObjects = live_objects[SERVED_OTHER];
    return S_OK;
}
