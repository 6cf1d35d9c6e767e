/* The one place events leave the core, so every event has the same shape and a sink is optional. */
#include "agent_internal.h"

void agent_emit(struct agent *a, enum agent_event_kind kind, enum nap_component_kind component_kind,
                uint32_t id, uint32_t attempt, uint64_t next_delay_ms, nap_result result)
{
    struct agent_event e;

    if (!a->sink.emit)
        return;
    e.kind = kind;
    e.component_kind = component_kind;
    e.component_id = id;
    e.attempt = attempt;
    e.next_delay_ms = next_delay_ms;
    e.result = result;
    a->sink.emit(a->sink.context, &e);
}
