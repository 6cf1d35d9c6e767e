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

tap_done() { echo "1..$tap_count"; [ "$tap_failed" -eq 0 ]; }

# Registry probes through Wine's own reg.exe: exit 0 when the key (and value) exist.
reg_has() { # reg_has KEY [VALUE]
    if [ $# -eq 2 ]; then wine reg query "$1" /v "$2" >/dev/null 2>&1
    else wine reg query "$1" >/dev/null 2>&1; fi
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
