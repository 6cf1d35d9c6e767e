/* What the service process uses (INapAgentDiagnostics::GetResourceUsage). */
#ifndef NAPAGENT_RESOURCE_USAGE_H
#define NAPAGENT_RESOURCE_USAGE_H

#include <windows.h>
#include <napagentdiag.h>

HRESULT resource_usage_measure(NapAgentResourceUsage *usage);

/* Counts of the service's own COM objects, kept by each class's create and final release. */
enum served_object_kind
{
    SERVED_EC_BINDING,
    SERVED_SHA_BINDING,
    SERVED_CONNECTION,
    SERVED_SHA_REQUEST,
    SERVED_OTHER,
    SERVED_OBJECT_KINDS
};

void resource_usage_object_created(enum served_object_kind kind);
void resource_usage_object_destroyed(enum served_object_kind kind);

#endif
