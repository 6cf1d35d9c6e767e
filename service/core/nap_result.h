/* Result codes of the agent core. Their numeric values are the Windows HRESULTs, so the COM
 * adapter returns them unchanged (it static-asserts each against winerror.h). The names are
 * deliberately not the winerror.h names: the adapter includes both headers. */
#ifndef NAPAGENT_CORE_NAP_RESULT_H
#define NAPAGENT_CORE_NAP_RESULT_H

#include <stdint.h>

typedef int32_t nap_result;

#define NAP_RESULT_OK                     ((nap_result)0)
#define NAP_RESULT_INVALID_PACKET         ((nap_result)0x80270001u)
#define NAP_RESULT_MISSING_SOH            ((nap_result)0x80270002u)
#define NAP_RESULT_CONFLICTING_ID         ((nap_result)0x80270003u)
#define NAP_RESULT_NO_CACHED_SOH          ((nap_result)0x80270004u)
#define NAP_RESULT_STILL_BOUND            ((nap_result)0x80270005u)
#define NAP_RESULT_NOT_REGISTERED         ((nap_result)0x80270006u)
#define NAP_RESULT_NOT_INITIALIZED        ((nap_result)0x80270007u)
#define NAP_RESULT_MISMATCHED_ID          ((nap_result)0x80270008u)
#define NAP_RESULT_NOT_PENDING            ((nap_result)0x80270009u)
#define NAP_RESULT_ID_NOT_FOUND           ((nap_result)0x8027000Au)
#define NAP_RESULT_MAXSIZE_TOO_SMALL      ((nap_result)0x8027000Bu)
#define NAP_RESULT_SERVICE_NOT_RUNNING    ((nap_result)0x8027000Cu)
#define NAP_RESULT_ENTITY_DISABLED        ((nap_result)0x8027000Eu)
#define NAP_RESULT_TOO_MANY_CALLS         ((nap_result)0x80270010u)

/* HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED): what Initialize answers for a bound id. */
#define NAP_RESULT_ALREADY_INITIALIZED    ((nap_result)0x800704DFu)
#define NAP_RESULT_INVALID_ARG            ((nap_result)0x80070057u)
#define NAP_RESULT_ACCESS_DENIED          ((nap_result)0x80070005u)
#define NAP_RESULT_OUT_OF_MEMORY          ((nap_result)0x8007000Eu)
#define NAP_RESULT_NULL_POINTER           ((nap_result)0x80004003u)
#define NAP_RESULT_GENERIC_FAILURE        ((nap_result)0x80004005u)
#define NAP_RESULT_NOT_IMPLEMENTED        ((nap_result)0x80004001u)

/* Transport failures of an outgoing call: the client process is gone or going. */
#define NAP_RESULT_RPC_SERVER_UNAVAILABLE ((nap_result)0x800706BAu) /* also "drop me" from an EC */
#define NAP_RESULT_RPC_CALL_FAILED        ((nap_result)0x800706BEu)
#define NAP_RESULT_RPC_DISCONNECTED       ((nap_result)0x80010108u)
#define NAP_RESULT_RPC_SERVER_DIED        ((nap_result)0x80010007u)
#define NAP_RESULT_RPC_SERVER_DIED_DNE    ((nap_result)0x80010012u)

static inline int nap_failed(nap_result r)
{
    return r < 0;
}

/* A client that answers with one of these is dead (or, for RPC_S_SERVER_UNAVAILABLE from an EC's
 * NotifySoHChange, asked to be dropped): retrying against it would only add load, so the core
 * unbinds it once instead. */
static inline int nap_result_means_client_gone(nap_result r)
{
    return r == NAP_RESULT_RPC_SERVER_UNAVAILABLE || r == NAP_RESULT_RPC_CALL_FAILED
        || r == NAP_RESULT_RPC_DISCONNECTED || r == NAP_RESULT_RPC_SERVER_DIED
        || r == NAP_RESULT_RPC_SERVER_DIED_DNE;
}

#endif
