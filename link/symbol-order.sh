#!/usr/bin/env bash
# Regenerates link/symbol-order.txt, the order in which the linker lays out the
# functions of the `impish` binary (see build.rs), from what a release build actually
# executes: every program of benches/perf run with `--profile squirrel` under valgrind,
# plus an empty script (start-up alone). Functions run by more programs come first, so
# the code an ordinary run touches is contiguous and the kernel maps few 64 KiB windows
# of the binary around it (issue #17: peak memory).
#
# usage: link/symbol-order.sh [BIN]   (BIN: a release build, default
#        target/<host tuple>/release/impish)
#
# Rust's symbol names carry a hash of their crate's identity (not of the code), so the
# file stays right while code changes; a renamed or new function is merely laid out
# unordered until the next run of this script, and names no longer in the binary are
# ignored at link time.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(realpath "${1:-target/$(rustc -vV | sed -n 's/^host: //p')/release/impish}")"
command -v valgrind >/dev/null || { echo "valgrind is needed" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo 'print("")' > "$work/empty.nut"

# One list of executed function names per run, two runs at a time.
ls benches/perf/programs/*.nut benches/perf/suite/*.nut "$work/empty.nut" \
  | xargs -P2 -I{} sh -c 'valgrind -q --tool=cachegrind --cache-sim=no --demangle=no \
      --cachegrind-out-file="$1/$(basename "$2").cg" "$0" run --profile squirrel "$2" >/dev/null 2>&1' "$bin" "$work" {}

# The functions linked into the binary (its own and, statically linked, the C library's;
# `i`: an indirect function's resolver), by how many runs executed them, then by name.
nm --defined-only "$bin" | awk '$2 ~ /^[tTWi]$/ {print $3}' | sort -u > "$work/defined"
for cg in "$work"/*.cg; do sed -n 's/^fn=//p' "$cg" | sort -u; done \
  | sort | uniq -c | sort -k1,1nr -k2,2 | awk '{print $2}' > "$work/ranked"

# What a native run executes and a run under valgrind does not, after the rest. The C
# library registers the kernel's vDSO at start (valgrind provides none), and picks its
# string functions' variants for the CPU (IFUNC): valgrind has no AVX-512, so where a
# CPU has it, the EVEX and AVX-512 variants of the functions whose SSE or AVX ones ran here
# run instead. Unlisted, each of them is a 64 KiB window of its own (three to five,
# 0.2-0.3 MB in every run).
printf '%s\n' _dl_new_object _dl_setup_hash _dl_add_to_namespace_list _dl_lookup_symbol_x \
  do_lookup_x check_match __strcmp_avx2 >> "$work/ranked"
sed -nE 's/^(__[a-z0-9]+)_(sse|avx).*/\1/p' "$work/ranked" | sort -u \
  | while read -r base; do grep -E "^${base}_(evex|avx512)" "$work/defined" || true; done >> "$work/ranked"
awk 'NR == FNR {defined[$1] = 1; next} $1 in defined && !seen[$1]++' "$work/defined" "$work/ranked" > link/symbol-order.txt
echo "link/symbol-order.txt: $(wc -l < link/symbol-order.txt) functions" >&2
