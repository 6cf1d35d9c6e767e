/* The calling process's heap bytes in use: the busy blocks of every heap, walked. Committed
 * memory also counts free space the heaps keep, so it cannot tell a leak from fragmentation.
 * Header-only: the service reports it (GetResourceUsage) and the heap tests measure their own
 * process with the same sum. */
#ifndef NAPAGENT_HEAP_IN_USE_H
#define NAPAGENT_HEAP_IN_USE_H

#include <windows.h>

static inline UINT64 heap_bytes_in_use(void)
{
    HANDLE heaps[64];
    DWORD count = GetProcessHeaps(ARRAYSIZE(heaps), heaps);
    UINT64 bytes = 0;

    for (DWORD i = 0; i < count && i < ARRAYSIZE(heaps); ++i)
    {
        PROCESS_HEAP_ENTRY entry;

        if (!HeapLock(heaps[i]))
            continue;
        entry.lpData = NULL;
        while (HeapWalk(heaps[i], &entry))
            if (entry.wFlags & PROCESS_HEAP_ENTRY_BUSY)
                bytes += entry.cbData;
        HeapUnlock(heaps[i]);
    }
    return bytes;
}

#endif
