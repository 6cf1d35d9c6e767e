#!/usr/bin/env bash
# make dist's self-check: the archive holds every file an administrator or a developer needs,
# each where INSTALL.txt says, and nothing from outside its top folder.
# Usage: tools/check-dist.sh ZIP TOP BIN_FILES... -- HEADERS... -- IDLS...
set -uo pipefail
zip=$1 top=$2
shift 2
listing=$(unzip -Z1 "$zip") || { echo "check-dist: cannot list $zip" >&2; exit 1; }
missing=0
expect() {
    if ! grep -qxF -- "$top/$1" <<<"$listing"; then
        echo "check-dist: $zip lacks $top/$1" >&2
        missing=$((missing + 1))
    fi
}
part=bin
for f in "$@"; do
    if [ "$f" = -- ]; then
        case $part in bin) part=include ;; include) part=idl ;; esac
        continue
    fi
    expect "$part/$(basename "$f")"
done
for f in README.md INSTALL.txt docs/operations.md docs/events.md docs/architecture.md examples/demo_client.c \
         bin/napagent.exe bin/qagent.dll bin/napctl.exe include/napagentdiag.h idl/napagentdiag.idl; do
    expect "$f"
done
outside=$(grep -vc "^$top/" <<<"$listing")
if [ "$outside" -ne 0 ]; then
    echo "check-dist: $outside entries outside $top/" >&2
    missing=$((missing + 1))
fi
[ "$missing" -eq 0 ] && echo "  CHECK   $zip: $(wc -l <<<"$listing") entries, all expected files present"
[ "$missing" -eq 0 ]
