#!/usr/bin/env bash
# Runs `impish test` at the root of each repository in a folder of fetched Electric Imp
# library repositories and prints a Markdown compatibility table: library, commit, tests
# passed and failed, wall time, exit status.
#
#   tests/libraries/run.sh REPOS_DIR [LIBRARY...]
#
# Each library runs unchanged, with REPOS_DIR as a library folder (`--lib`), so a
# `github:` include of another library is served by its checkout beside it. Libraries
# written for a particular imp get its type (LIS3DH and HTS221: the impExplorer's imp001;
# SPIFlashFileSystem: the imp003 breakout its README names, whose 64 KB of user flash its
# tests fill to the last sector).
# IMPISH names the impish binary (default: the release build,
# target/<host tuple>/release/impish, else impish on PATH);
# TIMEOUT bounds each library's run in seconds (default 900).
set -u

repos=${1:?usage: run.sh REPOS_DIR [LIBRARY...]}
shift
repos=$(cd "$repos" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
impish=${IMPISH:-}
if [ -z "$impish" ]; then
    built="$root/target/$(rustc -vV 2>/dev/null | sed -n 's/^host: //p')/release/impish"
    if [ -x "$built" ]; then impish="$built"; else impish=impish; fi
fi
timeout=${TIMEOUT:-900}

if [ $# -eq 0 ]; then
    set -- $(cd "$repos" && for d in */; do [ -d "$d/.git" ] && echo "${d%/}"; done)
fi

# What a library needs beyond its own config, by name.
extra_args() {
    case "$1" in
        LIS3DH | HTS221) echo "--type imp001" ;;
        SPIFlashFileSystem) echo "--type imp003" ;;
    esac
}

echo "| library | commit | passed | failed | time | exit |"
echo "|---|---|---:|---:|---:|---:|"
for library in "$@"; do
    dir="$repos/$library"
    commit=$(git -C "$dir" rev-parse --short HEAD 2>/dev/null || echo "?")
    log=$(mktemp)
    start=$(date +%s%N)
    # shellcheck disable=SC2046 # the extra arguments are words
    (cd "$dir" && timeout "$timeout" "$impish" test --lib "$repos" $(extra_args "$library")) >"$log" 2>&1
    status=$?
    tenths=$((($(date +%s%N) - start) / 100000000))
    counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    passed=$(echo "$counts" | sed -nE 's/^([0-9]+) passed.*/\1/p')
    failed=$(echo "$counts" | sed -nE 's/.* ([0-9]+) failed.*/\1/p')
    if [ -z "$counts" ]; then
        passed="-"
        failed="-"
        # The run did not start: say why in the table.
        status="$status: $(grep -v '^$' "$log" | tail -1 | cut -c1-80 | tr '|' '/')"
    fi
    printf '| %s | %s | %s | %s | %d.%d s | %s |\n' "$library" "$commit" "$passed" "$failed" \
        $((tenths / 10)) $((tenths % 10)) "$status"
    rm -f "$log"
done
