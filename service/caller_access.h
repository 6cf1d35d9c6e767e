/* Who the COM caller is, and what it may do. Windows let any authenticated user read NAP state but
 * only administrators change it (netsh nap client: "set" commands need an elevated prompt); napagent
 * keeps that rule for the COM methods that change configuration, and lets a component's id be
 * used (bound, unregistered) only by the account that registered it, LocalSystem and
 * administrators (the core decides that, from the identity found here). */
#ifndef NAPAGENT_CALLER_ACCESS_H
#define NAPAGENT_CALLER_ACCESS_H

#include "agent.h" /* first: libuv wants winsock2.h before windows.h */
#include <windows.h>

/* The COM caller's account (its token's user SID) and whether it is privileged: LocalSystem, or
 * a member of the local Administrators group in its effective token (a filtered, non-elevated
 * token does not count). Fails closed: E_ACCESSDENIED when the caller cannot be told, a call
 * without a COM call context included. */
HRESULT caller_identify(struct agent_caller *caller);
/* S_OK when the COM caller is privileged, E_ACCESSDENIED otherwise. */
HRESULT caller_access_require_admin(void);
/* Event 124 (rate-limited), and the service log: caller was refused `what` for kind/id. */
void caller_access_report_denied(const struct agent_caller *caller, const WCHAR *what, enum nap_component_kind kind,
                                 UINT32 id);
/* The account's name for an administrator ("DOMAIN\user", else the SID as a string). */
void caller_account_name(const struct nap_identity *identity, WCHAR *name, size_t length);

#endif
