/* The connection object INapEnforcementClientBinding::CreateConnection hands to an EC
 * (INapEnforcementClientConnection and INapEnforcementClientConnection2), and the internal
 * (non-COM) calls the EC binding makes on it. */
#ifndef NAPAGENT_EC_CONNECTION_H
#define NAPAGENT_EC_CONNECTION_H

#include <windows.h>
#include <napenforcementclient.h>

/* A new connection, already initialized with the EC's id. owner identifies the binding's current
 * Initialize (ec_binding.c): only that binding may take it back. *out NULL on failure. */
HRESULT ec_connection_create(EnforcementEntityId ec_id, LONG owner, INapEnforcementClientConnection **out);

/* TRUE when connection is one of our objects. When an EC passes our connection back in a binding
 * call, COM unmarshals it to the object itself (same process), so its vtable is ours; a connection
 * the EC implemented itself arrives as a proxy, whose vtable is not. */
BOOL ec_connection_is_ours(const void *connection);

/* The following take a connection for which ec_connection_is_ours() is TRUE. */

/* The owner given to ec_connection_create. */
LONG ec_connection_owner(INapEnforcementClientConnection *connection);
/* Puts a request on the connection with a new correlation id (new GUID, current time).
 * *changed: the bytes differ from the request that was on it (TRUE when there was none). */
HRESULT ec_connection_put_request(INapEnforcementClientConnection *connection, const BYTE *data, UINT16 size,
                                  BOOL *changed);
/* ProcessSoHResponse's part on the connection: NAP_E_INVALID_PACKET when the EC set no response,
 * else the decision is put on the connection. */
HRESULT ec_connection_process_response(INapEnforcementClientConnection *connection);
/* Marks the connection down; TRUE the first time only. ec_connection_mark_up undoes it (when
 * the core refused the NotifyConnectionStateDown that marked it). */
BOOL ec_connection_mark_down(INapEnforcementClientConnection *connection);
void ec_connection_mark_up(INapEnforcementClientConnection *connection);

#endif
