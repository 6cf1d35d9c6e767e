#!/usr/bin/env bash
# prove's runner for the Wine tests: Windows programs run under wine, .t files under bash.
source "$(dirname "$0")/../../tools/wine-prefix.sh"
case "$1" in
    *.exe) wine_run "$1" ;;
    *) exec bash "$1" ;;
esac
