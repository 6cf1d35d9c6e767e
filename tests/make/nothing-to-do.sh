#!/usr/bin/env bash
# make check's build test: once everything is built, nothing is left to do. A rule that never
# writes its target, or an output written twice in one build, would recompile and relink on
# every make, and make -q would never call the build up to date.
# Usage: tests/make/nothing-to-do.sh TARGET...   (right after building them; make is $MAKE)
set -uo pipefail
make=${MAKE:-make}
if "$make" --no-print-directory -q "$@"; then
    echo "  CHECK   nothing to do after the build: $# programs up to date"
    exit 0
fi
# make -n prints what would run; make -d (with -n: nothing runs) says why.
echo "nothing-to-do: after the build, make would still run:" >&2
"$make" --no-print-directory -n "$@" 2>&1 | head -n 20 | sed 's/^/  /' >&2
echo "nothing-to-do: because:" >&2
"$make" --no-print-directory -n -d "$@" 2>/dev/null \
    | grep -E "newer than target|does not exist" | sed 's/^ */  /' | sort -u | head -n 20 >&2
exit 1
