#ifndef NAPAGENT_MACHINE_INFO_H
#define NAPAGENT_MACHINE_INFO_H

#include "agent.h"

/* The machine as the system SoH describes it; read on first use, then constant. */
const struct agent_machine_info *machine_info_get(void);

#endif
