/* napctl show usage [--json]: what the service process uses now (INapAgentDiagnostics::
 * GetResourceUsage), and how many of its objects clients hold. Sampled twice some time apart, it
 * shows whether the service grows: memory, handles or objects that keep climbing while the
 * clients' work stays the same are a leak. */
#include "napctl.h"
#include "json_writer.h"
#include <stdio.h>

static void print_text(const NapAgentResourceUsage *u)
{
    const struct
    {
        const WCHAR *label;
        UINT64 value;
        const WCHAR *unit;
    } lines[] = {
        {L"napagent process:", 0, NULL},
        {L"Committed memory", u->commitBytes, L" bytes"},
        {L"Working set", u->workingSetBytes, L" bytes"},
        {L"Heap in use", u->heapBytes, L" bytes"},
        {L"Handles", u->handles, L""},
        {L"Threads", u->threads, L""},
        {L"Objects held by clients:", 0, NULL},
        {L"EC bindings", u->ecBindings, L""},
        {L"SHA bindings", u->shaBindings, L""},
        {L"Connections", u->connections, L""},
        {L"SHA requests", u->shaRequests, L""},
        {L"Other", u->otherObjects, L""},
    };

    for (size_t i = 0; i < ARRAYSIZE(lines); i++)
        if (lines[i].unit)
            wprintf(L"  %-22ls %I64u%ls\n", lines[i].label, lines[i].value, lines[i].unit);
        else
            wprintf(L"%ls\n", lines[i].label);
}

static void print_json(const NapAgentResourceUsage *u)
{
    struct json_writer json;

    json_init(&json, stdout);
    json_begin_object(&json, NULL);
    json_uint(&json, "commitBytes", u->commitBytes);
    json_uint(&json, "workingSetBytes", u->workingSetBytes);
    json_uint(&json, "heapBytes", u->heapBytes);
    json_uint(&json, "handles", u->handles);
    json_uint(&json, "threads", u->threads);
    json_begin_object(&json, "objects");
    json_uint(&json, "ecBindings", u->ecBindings);
    json_uint(&json, "shaBindings", u->shaBindings);
    json_uint(&json, "connections", u->connections);
    json_uint(&json, "shaRequests", u->shaRequests);
    json_uint(&json, "other", u->otherObjects);
    json_end_object(&json);
    json_end_object(&json);
    json_finish(&json);
}

int command_show_usage(BOOL json)
{
    INapAgentDiagnostics *diagnostics;
    NapAgentResourceUsage usage;
    HRESULT hr;
    int result = connect_diagnostics(&diagnostics);

    if (result)
        return result;
    hr = INapAgentDiagnostics_GetResourceUsage(diagnostics, &usage);
    INapAgentDiagnostics_Release(diagnostics);
    if (FAILED(hr))
    {
        fwprintf(stderr, L"napctl: could not read the service's resource usage: %#lx\n", hr);
        return NAPCTL_FAILED;
    }
    if (json)
        print_json(&usage);
    else
        print_text(&usage);
    return NAPCTL_OK;
}
