/* Friendly names of registered ECs and SHAs for event insertion strings (component_names.c). */
#ifndef NAPAGENT_COMPONENT_NAMES_H
#define NAPAGENT_COMPONENT_NAMES_H

#include "agent.h" /* first: libuv wants winsock2.h before windows.h */
#include <windows.h>

/* "79617 (Contoso VPN)", or "79617" when the component has no name or none is known. */
void component_names_label(enum nap_component_kind kind, uint32_t id, WCHAR *label, size_t size);
/* A registration changed: REGISTERED reads the names again, UNREGISTERED forgets the id (after
 * its event used the name). */
void component_names_registered(void);
void component_names_unregistered(enum nap_component_kind kind, uint32_t id);
void component_names_clear(void);

#endif
