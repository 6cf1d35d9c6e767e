/* qutil.dll: the in-process NAP helpers SHAs and SHVs load, as Microsoft's Qutil.dll shipped
 * them: the SoH constructor and processor classes over the [MS-SOH] codec (service/soh/), and
 * the NAP memory utility exports. Private header shared by its files. */
#ifndef NAPAGENT_QUTIL_H
#define NAPAGENT_QUTIL_H

#include <windows.h>
#include <napprotocol.h>

#include "inproc_factory.h"

#include "soh_values.h"

/* Objects alive: with the factories and locks (inproc_factory.h), what DllCanUnloadNow asks. */
void qutil_object_created(void);
void qutil_object_destroyed(void);

/* inproc_create_fn for each class (the clsid is ignored). */
HRESULT soh_constructor_create(REFCLSID clsid, REFIID riid, void **out);
HRESULT soh_processor_create(REFCLSID clsid, REFIID riid, void **out);

/* SoHAttributeValue (the caller's, borrowed) as the codec's typed value: E_POINTER for a NULL
 * array the value needs, E_INVALIDARG for a type above 14 bits. */
HRESULT attribute_value_borrow(SoHAttributeType type, const SoHAttributeValue *in, union soh_value *out);
/* Wire bytes as a CoTaskMemAlloc'd SoHAttributeValue with CoTaskMemAlloc'd arrays (freed with
 * FreeSoHAttributeValue); NAP_E_INVALID_PACKET when the bytes do not suit the type. */
HRESULT attribute_value_from_wire(SoHAttributeType type, const BYTE *wire, UINT16 size, SoHAttributeValue **out);
void attribute_value_free(SoHAttributeType type, SoHAttributeValue *value);

/* An SoH (caller's) as codec views; NAP_E_INVALID_PACKET for more than 100 attributes or a
 * missing array. */
HRESULT soh_views_from_com(const SoH *soh, struct soh_attribute *views, UINT16 *count);
/* A CoTaskMemAlloc'd copy of views as an SoH (freed with FreeSoH). */
HRESULT soh_to_com(const struct soh_attribute *views, UINT16 count, SoH **out);
void soh_free_com(SoH *soh);

#endif
