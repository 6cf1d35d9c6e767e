/* One SHA's SoH between its COM form (naptypes.h SoH: an attribute array, what SHAs hand the
 * agent) and its wire form ([MS-SOH] attribute TLVs, what the core holds and the codec packs into
 * network SoH messages). */
#ifndef NAPAGENT_SOH_MARSHAL_H
#define NAPAGENT_SOH_MARSHAL_H

#include "agent.h" /* first: libuv wants winsock2.h before windows.h */
#include <windows.h>
#include <naptypes.h>

/* A caller's SoH, checked and packed (malloc'd). E_POINTER for NULL pointers inside, E_INVALIDARG
 * for an SoH without the structure every SoH must have (the codec's structure check: 1..100
 * attributes of at most 4000 bytes, SystemHealthId first and only once), that takes more than a
 * network SoH's 4000 bytes on the wire, or whose SystemHealthId is not expected_id. */
HRESULT soh_marshal_pack(const SoH *soh, BOOL is_request, UINT32 expected_id, uint8_t **wire, size_t *size);
/* A new CoTaskMemAlloc'd SoH (every attribute value its own block, as FreeSoH frees) from wire
 * bytes; NAP_E_INVALID_PACKET when they are not a TLV list. */
HRESULT soh_marshal_unpack(const uint8_t *wire, size_t size, SoH **out);
/* A CoTaskMemAlloc'd deep copy (for an [out]). */
HRESULT soh_marshal_copy(const SoH *soh, SoH **out);
/* Frees what soh_marshal_unpack or soh_marshal_copy made; NULL is fine. */
void soh_marshal_free(SoH *soh);

#endif
