/* The values of naptypes.h the core works with, kept without the Windows header (the service
 * checks at compile time that they match: agent_host.c). */
#ifndef NAPAGENT_CORE_NAP_VALUES_H
#define NAPAGENT_CORE_NAP_VALUES_H

/* IsolationState */
#define ISOLATION_NOT_RESTRICTED 1u
#define ISOLATION_IN_PROBATION 2u
#define ISOLATION_RESTRICTED 3u

/* FailureCategory, of the agent's stand-in SoHs */
#define FAILURE_CATEGORY_CLIENT_COMPONENT 2u
#define FAILURE_CATEGORY_CLIENT_COMMUNICATION 3u

/* SoHRequest flags handed to an SHA's ProcessSoHResponse: shaFixup, the EC processed a live
 * response. */
#define SHA_FIXUP 0x1u

#endif
