/* One side's view of the NAP binary interface: IIDs, vtable slot offsets, struct sizes and
 * field offsets, as a table of named entries. describe_layout.c is compiled twice, once against
 * our widl-generated headers and once against the Windows SDK headers shipped with MinGW-w64;
 * compare_layouts.c checks that the two tables agree entry by entry. */
#ifndef NAPAGENT_LAYOUT_H
#define NAPAGENT_LAYOUT_H

#include <stddef.h>
#include <guiddef.h>

struct layout_entry
{
    const char *name;
    size_t value;   /* an offset or a size */
    GUID guid;      /* for IID entries */
    int is_guid;
};

extern const struct layout_entry layout_sdk[];
extern const struct layout_entry layout_ours[];

#endif
