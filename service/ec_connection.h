/* The connection object INapEnforcementClientBinding::CreateConnection hands to an EC
 * (INapEnforcementClientConnection and INapEnforcementClientConnection2), and the internal
 * (non-COM) calls the EC binding makes on it. */
#ifndef NAPAGENT_EC_CONNECTION_H
#define NAPAGENT_EC_CONNECTION_H

#include "agent.h" /* first: libuv wants winsock2.h before windows.h */
#include <windows.h>
#include <napenforcementclient.h>

/* A new connection, already initialized with the EC's id. owner identifies the binding's current
 * Initialize (ec_binding.c): only that binding may take it back. key: the connection's name in
 * the agent core, unique in the process. *out NULL on failure. */
HRESULT ec_connection_create(EnforcementEntityId ec_id, LONG owner, UINT64 key, INapEnforcementClientConnection **out);

/* The EC that created the connections of `owner` died (the core dropped it for a transport
 * error): their stubs are disconnected, since Wine never runs a dead client's objects down, and
 * each is freed once nobody in this process holds it. */
void ec_connection_disconnect_owner(LONG owner);

/* TRUE when connection is one of our objects. When an EC passes our connection back in a binding
 * call, COM unmarshals it to the object itself (same process), so its vtable is ours; a connection
 * the EC implemented itself arrives as a proxy, whose vtable is not. */
BOOL ec_connection_is_ours(const void *connection);

/* The following take a connection for which ec_connection_is_ours() is TRUE. */

/* The owner given to ec_connection_create. */
LONG ec_connection_owner(INapEnforcementClientConnection *connection);
UINT64 ec_connection_key(INapEnforcementClientConnection *connection);
ProtocolMaxSize ec_connection_max_size(INapEnforcementClientConnection *connection);
/* GetSoHRequest's part: the request and its correlation id go on the connection together. */
HRESULT ec_connection_put_request(INapEnforcementClientConnection *connection, const BYTE *data, UINT16 size,
                                  const CorrelationId *id);
/* ProcessSoHResponse's input: a HeapAlloc'd copy of the response the EC set (NAP_E_INVALID_PACKET
 * when it set none). */
HRESULT ec_connection_take_response(INapEnforcementClientConnection *connection, BYTE **data, UINT16 *size);
/* ProcessSoHResponse's output: the decision and the installed SHVs. */
HRESULT ec_connection_set_decision(INapEnforcementClientConnection *connection,
                                   const struct agent_soh_decision *decision);
/* Marks the connection down; TRUE the first time only. ec_connection_mark_up undoes it (when
 * the core refused the NotifyConnectionStateDown that marked it). */
BOOL ec_connection_mark_down(INapEnforcementClientConnection *connection);
void ec_connection_mark_up(INapEnforcementClientConnection *connection);

#endif
