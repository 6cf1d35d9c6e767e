# Sourced by the Wine test harness and the demo: a private Wine prefix under build/, created in
# the order Wine 8 needs (wineboot, then restart, then a persistent wineserver so the service
# outlives its clients), and always torn down with its wineserver.
# Usage: wine_prefix_up DIR; ... ; wine_prefix_down (also safe from an EXIT trap).

# Wine's own errors stay on: a process that failed to start, or a napctl that exited 1 with
# nothing said (each seen once in a make check), leaves Wine's reason in the test's output. The
# channels left out print on every run and say nothing about a failure: ole and rpc (calls to
# dead clients' objects, as the fault tests make), eventlog (Wine's stub prints every event), and
# what a prefix without a display says at start (winediag, systray, plugplay).
export WINEDEBUG=${WINEDEBUG:--all,err+all,err-eventlog,err-ole,err-rpc,err-winediag,err-systray,err-plugplay}
# No Mono or Gecko installation prompts: napagent needs neither.
export WINEDLLOVERRIDES="mscoree,mshtml="
export WINEARCH=win64

wine_prefix_down() {
    [ -n "${WINEPREFIX:-}" ] || return 0
    wineserver -k >/dev/null 2>&1 || true
    # -w returns once the killed server is gone; bounded in case it is already unreachable.
    timeout 20 wineserver -w >/dev/null 2>&1 || true
}

wine_prefix_up() {
    local dir=$1
    mkdir -p "$(dirname "$dir")"
    export WINEPREFIX=$dir
    wine_prefix_down
    rm -rf "$dir"
    wineboot -i >/dev/null 2>&1
    wineserver -k >/dev/null 2>&1 || true
    timeout 20 wineserver -w >/dev/null 2>&1 || true
    wineserver -p
}

# Copies the built binaries to C:\napagent, as an administrator would copy build\bin.
wine_install_binaries() {
    local from=$1
    mkdir -p "$WINEPREFIX/drive_c/napagent"
    cp "$from"/*.exe "$from"/*.dll "$WINEPREFIX/drive_c/napagent/"
}

# Runs a Windows program quietly; Wine's "wine32 is missing" chatter goes away, the program's
# own stderr stays.
wine_run() {
    wine "$@" 2> >(grep -v -e 'wine32 is missing' -e 'multiarch needs to be enabled' \
                            -e 'dpkg --add-architecture' -e 'apt-get install wine32' >&2)
}
