/* What the core holds for a bound client (EC or SHA): its callback, and the binding object it
 * called Initialize on and, for an EC, the owner of its connections (to disconnect them if the
 * client dies: Wine never runs such objects down). */
#ifndef NAPAGENT_CLIENT_HANDLE_H
#define NAPAGENT_CLIENT_HANDLE_H

#include "agent.h" /* first: libuv wants winsock2.h before windows.h */
#include <windows.h>

struct client_handle
{
    UINT32 id;            /* the EC's or SHA's id */
    IUnknown *callback;   /* INapEnforcementClientCallback or INapSystemHealthAgentCallback */
    IUnknown *binding;
    LONG connection_owner;   /* EC: whose connections go with it if it dies (ec_connection.h); SHA: 0 */
};

struct client_handle *client_handle_create(UINT32 id, IUnknown *callback, IUnknown *binding, LONG connection_owner);
/* Called once by the core when it is done with the client; died: dropped for a transport error. */
void client_handle_release(struct client_handle *client, int died);
/* For a client the core never took (Initialize refused). */
void client_handle_free(struct client_handle *client);
/* Initialize for a binding object: E_POINTER for a NULL callback, E_ACCESSDENIED (reported) when
 * the caller cannot be told or may not act for the id, else the core's answer; on S_OK *owner
 * holds the id's owner, for the binding's later calls. The core keeps the handle when it binds;
 * otherwise it is freed here. */
HRESULT client_handle_bind(struct agent_binding *core, enum nap_component_kind kind, UINT32 id, IUnknown *callback,
                           IUnknown *binding, LONG connection_owner, struct nap_identity *owner);
/* Waits until every binding reference dropped by client_handle_release is gone, at most
 * limit_ms (the stop's bound; the log says what was left). */
void client_handles_drain(DWORD limit_ms);

#endif
