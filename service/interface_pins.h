/* Wine only: keeps every interface the service serves registered with RPC for the life of the
 * process (see interface_pins.c for the deadlock it prevents). */
#ifndef NAPAGENT_INTERFACE_PINS_H
#define NAPAGENT_INTERFACE_PINS_H

/* After CoInitializeSecurity, before the first object can be marshaled to a client. Does
 * nothing outside Wine; a pin that cannot be made is logged and skipped. */
void interface_pins_make(void);

#endif
