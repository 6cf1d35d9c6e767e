/* The agent core's storage, kept in the registry under the service's key. */
#ifndef NAPAGENT_REGISTRY_STORE_H
#define NAPAGENT_REGISTRY_STORE_H

#include "agent.h"

extern const struct agent_storage registry_store;

#endif
