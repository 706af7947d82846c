#!/usr/bin/env bash
# run_all.sh BUILD_DIR SECONDS JOBS: every fuzz target listed in BUILD_DIR/tests/fuzz/fuzzers.txt
# for SECONDS each, JOBS at a time (one libFuzzer run keeps one core busy), each with a fresh
# corpus under BUILD_DIR/fuzz-runs/<target>/ (`make fuzz`). Fails if any target found anything.
set -uo pipefail
build=$(cd "$1" && pwd) seconds=$2 jobs=$3
here=$(cd "$(dirname "$0")" && pwd)
manifest="$build/tests/fuzz/fuzzers.txt"
[ -f "$manifest" ] || { echo "run_all.sh: no $manifest (configure and build the fuzz preset first)" >&2; exit 2; }
runs="$build/fuzz-runs"
mkdir -p "$runs"

names=()
while read -r name exe seeds dict; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 1; done
  names+=("$name")
  echo "fuzzing $name for $seconds s"
  FUZZ_SECONDS="$seconds" "$here/run_fuzz.sh" "$exe" "$seeds" "$runs/$name" "$seconds" $dict >"$runs/$name.out" 2>&1 &
done <"$manifest"
wait

failed=0
echo "==== fuzz summary ($seconds s per target, $jobs at a time)"
for name in "${names[@]}"; do
  head -1 "$runs/$name.out"
  if ! head -1 "$runs/$name.out" | grep -q ', exit 0$'; then
    failed=1
    tail -n +2 "$runs/$name.out"
  fi
done
exit "$failed"
