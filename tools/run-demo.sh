#!/usr/bin/env bash
# make run: napagent end to end, told as a story for a newcomer. A sample system health agent
# (examples/sample_sha.c, "Contoso Firewall") and a sample enforcement client (examples/
# sample_ec.c, "Contoso VPN") run as separate Windows processes against the real service: the
# SHA reports a problem, the EC cannot reach its network twice (the agent retries), then the
# exchange runs, the server restricts the machine, the SHA fixes itself and full access returns.
# Leaves the prefix, the service log and the recorded events in build/wine/run; no wineserver is
# left running. Exits non-zero if a step fails.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
source tools/wine-prefix.sh
trap wine_prefix_down EXIT

step() { printf '\n== %s\n' "$*"; }
note() { printf '   %s\n' "$*"; }
prefix="$top/build/wine/run"
napctl() { wine_run 'C:\napagent\napctl.exe' "$@"; }
EC_ID=16776976   # 0x00FFFF10, examples/sample_ids.h
PARAMS='HKLM\System\CurrentControlSet\Services\napagent\Parameters'

step "1/9 A private Wine prefix (a small Windows) under build/wine/run"
wine_prefix_up "$prefix"
note "ready: WINEPREFIX=$prefix"

step "2/9 Install, as an administrator would: copy build/bin to C:\\napagent, napagent.exe install"
wine_install_binaries build/bin
wine_run 'C:\napagent\napagent.exe' install
# Wine's event log keeps nothing: the service also writes its events to a file (docs/events.md).
wine_run reg add "$PARAMS" /v EventRecordFile /t REG_SZ /d 'C:\napagent\events.txt' /f >/dev/null
wine_run sc query napagent | grep -E 'SERVICE_NAME|STATE'

step "3/9 The VPN enforcement client registers itself. Like on Windows it starts disabled"
note "(its first client activation starts the service: COM asks the SCM)"
wine_run 'C:\napagent\sample_ec.exe' --register

step "4/9 The administrator enables it (on Windows: netsh nap client set enforcement ID = $EC_ID ADMIN = ENABLE)"
napctl enforcement enable $EC_ID

step "5/9 Both clients start. The EC pretends its network is down for the first 2 notifications"
note "the SHA checks its health (firewall off) and tells the agent; the agent asks it for its SoH"
note "and notifies the EC; the EC reports failure, and the agent retries after about 2 s, then 4 s"
wine_run 'C:\napagent\sample_ec.exe' --fail 2 60 &
ec=$!
sleep 1
wine_run 'C:\napagent\sample_sha.exe' 60 &
sha=$!
sleep 1.5

step "6/9 Meanwhile, what the agent thinks (napctl show state): a change pending for the EC, a retry due"
napctl show state

step "7/9 The retries, the exchange, the fix-up and full access (both processes report as they go)"
ec_rc=0; wait $ec || ec_rc=$?
sha_rc=0; wait $sha || sha_rc=$?
note "EC exited with $ec_rc, SHA with $sha_rc (0: full access reached)"

step "8/9 What the agent thinks now, and what it reported to Event Viewer"
napctl show state
note "events (ID type inserts; docs/events.md explains each ID):"
tr -d '\r' < "$prefix/drive_c/napagent/events.txt" | sed 's/^/     /'

step "9/9 Stop the service (net stop napagent); where to look"
wine_run net stop napagent
note "service log:  $prefix/drive_c/ProgramData/napagent/napagent.log"
note "Wine prefix:  $prefix (explore with: WINEPREFIX=$prefix wine cmd)"
note "the samples:  examples/sample_sha.c, examples/sample_ec.c (docs/developer-guide.md)"
note "the tests:    make check"
[ "$ec_rc" -eq 0 ] && [ "$sha_rc" -eq 0 ]
