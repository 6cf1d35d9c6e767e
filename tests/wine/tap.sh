# TAP for the shell-driven Wine tests (sourced). Mirrors tests/tap.h: ok, diag, tap_done.
tap_count=0
tap_failed=0

tap_last_diag=""

# A failure is also written to stderr with the last diag before it: prove shows stderr even when
# it is not verbose, so a rare failure in CI keeps what the test saw.
ok() { # ok STATUS "description"   (STATUS 0 = pass, as a shell exit code)
    tap_count=$((tap_count + 1))
    if [ "$1" -eq 0 ]; then echo "ok $tap_count - $2"
    else
        echo "not ok $tap_count - $2"; tap_failed=$((tap_failed + 1))
        echo "# failed: $tap_count - $2${tap_last_diag:+ (last diag: $tap_last_diag)}" >&2
    fi
}

diag() { echo "# $*"; tap_last_diag="$*"; }

# napctl ARGS...: runs $NAPCTL under Wine, its stderr with its stdout, without Windows line ends;
# returns its exit code. A failure with nothing said is written to stderr: napctl always says why
# it fails, so that is Wine's failure (seen once: exit 1 and no output for a bad command line).
napctl() {
    local out rc
    out=$(timeout 120 wine "$NAPCTL" "$@" 2>&1 | tr -d '\r'; exit "${PIPESTATUS[0]}"); rc=$?
    [ -n "$out" ] && printf '%s\n' "$out"
    [ $rc -ne 0 ] && [ -z "$out" ] && echo "# napctl $*: exit $rc and no output" >&2
    return $rc
}

tap_done() { echo "1..$tap_count"; [ "$tap_failed" -eq 0 ]; }

# Registry probes through Wine's own reg.exe: exit 0 when the key (and value) exist.
# reg_has KEY [VALUE]. A failed query is asked once more: in one make check a `wine reg query`
# failed on a key that install had written (and the other queries found). An absent key fails
# both times; a query that fails only once is reported with what reg printed.
reg_has() {
    local args=("$1") first
    [ $# -eq 2 ] && args+=(/v "$2")
    first=$(wine reg query "${args[@]}" 2>&1) && return 0
    sleep 0.3
    wine reg query "${args[@]}" >/dev/null 2>&1 || return 1
    echo "# reg query ${args[*]} failed once, then found it; it printed: ${first//$'\n'/ }" >&2
}

# Waits (up to 10 s) until sc query says RUNNING: exit 0 once it does. Under Wine, net start was
# seen to return before the restarted service had finished starting.
wait_running() {
    for _ in $(seq 50); do
        [[ "$(wine sc query napagent 2>/dev/null)" == *RUNNING* ]] && return 0
        sleep 0.2
    done
    return 1
}
