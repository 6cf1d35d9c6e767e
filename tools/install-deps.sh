#!/usr/bin/env bash
# Installs what the build and the tests need, idempotently: Debian packages, the Debian source
# packages we build from (libuv for Windows, MinGW-w64's NAP IDL files), nothing else.
# Quick and silent when everything is already present: it only asks dpkg and looks at stamp files.
# Otherwise one line per step; what apt, dpkg, dpkg-source and cmake say goes to the step's log,
# build/deps/STEP.log, whose end is shown if the step fails.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
deps="$top/build/deps"
mkdir -p "$deps"
packages=(mingw-w64 mingw-w64-tools libwine-dev wine64 wine cmake libuv1-dev dpkg-dev
          gcc make perl patch bzip2 xz-utils unzip zip)

# step NAME WHAT: says what comes next; the commands that follow log to build/deps/NAME.log.
step_log=
step() {
    step_log="$deps/$1.log"
    : >"$step_log"
    echo "install-deps: $2"
}

# logged COMMAND...: runs COMMAND into the step's log; if it fails, shows the log's end and stops.
logged() {
    local command="$*"
    if ! "$@" >>"$step_log" 2>&1; then
        echo "install-deps: failed: ${command#as_root }" >&2
        echo "install-deps: the end of $step_log:" >&2
        tail -n 25 "$step_log" | sed 's/^/  /' >&2
        exit 1
    fi
}

# A failure returns (not exits) so that logged can show it.
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else echo "install-deps: need root or sudo to run: $*" >&2; return 1; fi
}

missing_packages() {
    local p
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' \
            || echo "$p"
    done
}

# apt-get source needs deb-src entries. Derive them from the machine's own Debian sources
# (deb822 or one-line format) rather than naming any mirror ourselves.
enable_source_entries() {
    local out=/etc/apt/sources.list.d/napagent-deb-src.sources
    [ -f "$out" ] && return 0
    if grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ \
       || grep -qs '^deb-src ' /etc/apt/sources.list; then
        return 0
    fi
    local tmp from; tmp=$(mktemp)
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        from=/etc/apt/sources.list.d/debian.sources
        sed -e 's/^Types:.*/Types: deb-src/' "$from" >"$tmp"
    elif [ -f /etc/apt/sources.list ]; then
        from=/etc/apt/sources.list
        # Turn every "deb [opts] URI suite comps" line into a deb822 deb-src stanza.
        awk '/^deb[ \t]/ {
                 i = 2; signed = "";
                 if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                 printf "Types: deb-src\nURIs: %s\nSuites: %s\nComponents:", $i, $(i+1);
                 for (j = i + 2; j <= NF; j++) printf " %s", $j;
                 printf "\n\n" }' /etc/apt/sources.list >"$tmp"
    else
        echo "install-deps: no Debian sources file to derive deb-src entries from" >&2
        rm -f "$tmp"; exit 1
    fi
    echo "install-deps: adding deb-src entries for apt-get source: $out, from $from"
    logged as_root install -m 644 "$tmp" "$out"
    rm -f "$tmp"
    apt_updated=
}

apt_updated=
apt_update_once() {
    [ -n "$apt_updated" ] && return 0
    logged as_root apt-get update
    apt_updated=1
}

# make fuzz: clang with libFuzzer and its sanitizer runtimes, only when asked for.
if [ "${1:-}" = --fuzz ]; then
    packages+=(clang libclang-rt-dev)
fi

mapfile -t need < <(missing_packages)
if [ "${#need[@]}" -gt 0 ]; then
    step packages "installing Debian packages: ${need[*]}"
    apt_update_once
    logged as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi

# Fetch a Debian source package into $deps/src/NAME once (within a step: into its log).
fetch_source() {
    local name=$1 dir="$deps/src/$1"
    [ -f "$dir/.fetched" ] && return 0
    enable_source_entries
    apt_update_once
    rm -rf "$dir"; mkdir -p "$dir"
    (cd "$dir" && logged apt-get source --download-only "$name" && logged dpkg-source -x --no-check ./*.dsc tree)
    touch "$dir/.fetched"
}

# libuv for Windows, static, from the same Debian version as the native libuv1-dev.
if [ ! -f "$deps/libuv/lib/libuv_a.a" ] && [ ! -f "$deps/libuv/lib/libuv.a" ]; then
    step libuv "building libuv for Windows from Debian's source package libuv1"
    fetch_source libuv1
    cat >"$deps/mingw64.cmake" <<'TC'
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
TC
    rm -rf "$deps/libuv-build"
    logged cmake -S "$deps/src/libuv1/tree" -B "$deps/libuv-build" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_TOOLCHAIN_FILE="$deps/mingw64.cmake" -DCMAKE_INSTALL_PREFIX="$deps/libuv" \
        -DLIBUV_BUILD_TESTS=OFF -DLIBUV_BUILD_BENCH=OFF -DBUILD_TESTING=OFF
    logged cmake --build "$deps/libuv-build" -j"$(nproc)"
    logged cmake --install "$deps/libuv-build"
fi

# MinGW-w64's NAP IDL files (Debian ships only the headers generated from them).
if [ ! -f "$deps/src/mingw-w64/.fetched" ]; then
    step mingw-w64 "fetching MinGW-w64's NAP IDL files from Debian's source package mingw-w64"
    fetch_source mingw-w64
fi

# What the Makefile waits for: everything above is there.
touch "$deps/.installed"
