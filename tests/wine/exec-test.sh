#!/usr/bin/env bash
# prove's runner for the Wine tests: Windows programs run under wine, .t files under bash. A test
# that hangs is killed after NAPAGENT_TEST_TIMEOUT seconds (default 600; the long soak sets more)
# and fails, rather than hanging the whole run.
source "$(dirname "$0")/../../tools/wine-prefix.sh"
limit=${NAPAGENT_TEST_TIMEOUT:-600}
case "$1" in
    *.exe) timeout --kill-after=10 "$limit" wine "$1" 2> >(grep -v -e 'wine32 is missing' \
               -e 'multiarch needs to be enabled' -e 'dpkg --add-architecture' -e 'apt-get install wine32' >&2) ;;
    *) exec timeout --kill-after=10 "$limit" bash "$1" ;;
esac
