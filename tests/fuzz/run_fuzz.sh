#!/usr/bin/env bash
# run_fuzz.sh FUZZER SEEDS WORKDIR SECONDS [DICT]
# One bounded libFuzzer run: a fresh corpus in WORKDIR/corpus (new inputs go there; SEEDS is only
# read), crash/leak/timeout inputs in WORKDIR/artifacts, the full log in WORKDIR/log. FUZZ_SECONDS
# in the environment overrides SECONDS. Exits non-zero on any finding, after printing how to
# reproduce it; prints one summary line either way (executions, exec/s, coverage).
set -uo pipefail
fuzzer=$1 seeds=$2 work=$3 seconds=${FUZZ_SECONDS:-$4} dict=${5:-}
name=$(basename "$fuzzer")

rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
# RSS: ASan's quarantine alone keeps 256 MB of freed memory, and a run's peak grows to about 1 GB
# in 10 minutes; a single allocation of 1 GB from inputs of a few KB is a finding.
args=(-max_total_time="$seconds" -timeout=25 -rss_limit_mb=4096 -malloc_limit_mb=1024 -print_final_stats=1
      -artifact_prefix="$work/artifacts/")
[ -n "$dict" ] && args+=(-dict="$dict")

start=$(date +%s)
"$fuzzer" "${args[@]}" "$work/corpus" "$seeds" >"$work/log" 2>&1
rc=$?
elapsed=$(( $(date +%s) - start ))

stat() { sed -n "s/^stat::$1: *//p" "$work/log" | tail -1; }
last=$(grep -E '^#[0-9]+' "$work/log" | tail -1)
cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
corpus=$(find "$work/corpus" -type f | wc -l)
printf '%s: %s s, %s executions, %s exec/s, cov %s, ft %s, corpus %s (+%s new), peak RSS %s MB, exit %s\n' \
  "$name" "$elapsed" "$(stat number_of_executed_units)" "$(stat average_exec_per_sec)" "${cov:-?}" "${ft:-?}" \
  "$corpus" "$(stat new_units_added)" "$(stat peak_rss_mb)" "$rc"

if [ "$rc" -ne 0 ]; then
  echo "---- $name: last lines of $work/log"
  grep -v -E '^(#[0-9]+|\s+NEW_FUNC)' "$work/log" | tail -60
  for a in "$work"/artifacts/*; do
    [ -e "$a" ] && echo "reproduce: $fuzzer $a"
  done
fi
exit "$rc"
