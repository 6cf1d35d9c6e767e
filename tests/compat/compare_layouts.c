/* The binary compatibility test: our widl-generated NAP headers against the SDK's. */
#include <windows.h>
#include <string.h>
#include "layout.h"
#include "../tap.h"

int main(void)
{
    int count = 0;

    for (int i = 0; layout_sdk[i].name || layout_ours[i].name; i++, count++)
    {
        const struct layout_entry *sdk = &layout_sdk[i], *ours = &layout_ours[i];

        if (!sdk->name || !ours->name || strcmp(sdk->name, ours->name))
            tap_bail("the two layout tables list different entries");
        if (sdk->is_guid)
            ok(IsEqualGUID(&sdk->guid, &ours->guid), "%s: ours {%08lx-...} equals the SDK's {%08lx-...}",
               sdk->name, ours->guid.Data1, sdk->guid.Data1);
        else
            ok(sdk->value == ours->value, "%s: ours %zu equals the SDK's %zu", sdk->name, ours->value, sdk->value);
    }
    diag("%d entries compared", count);
    return tap_done();
}
