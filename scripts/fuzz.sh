#!/usr/bin/env bash
# Builds the libFuzzer targets (preset `fuzz`: clang++-14, ASan + UBSan) and runs each for SECONDS (default
# 20, the CI setting; e.g. `scripts/fuzz.sh 600` for a long run), one after the other, on a copy of its seed
# corpus in build/fuzz/corpus-work/<target> (the repository's test/fuzz/corpus is never written). Fails when
# a target crashes, leaks, times out or runs out of memory; the input is then in build/fuzz/artifacts/<target>/
# (IGTCLOUD_FUZZ_RUN_DIR=DIR puts corpus-work/, artifacts/ and logs/ under DIR instead of build/fuzz).
#   scripts/fuzz.sh [SECONDS] [TARGET...]      TARGET: date_time fields_mask ... (default: every target)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(date_time fields_mask model_decode provision_readers mock_service http_answer login_answer token_file)

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target fuzz_targets

out=build/fuzz
run=${IGTCLOUD_FUZZ_RUN_DIR:-$out} # where corpus-work/, artifacts/, logs/ go
export ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
failed=()
mkdir -p "$run"
summary="$run/fuzz-summary.txt"
printf '%-18s %8s %12s %8s %7s %7s %12s\n' target seconds executions exec/s cov ft corpus | tee "$summary"
for t in "${targets[@]}"; do
  work="$run/corpus-work/$t" artifacts="$run/artifacts/$t/" log="$run/logs/$t.log"
  rm -rf "$work" "$artifacts"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  cp test/fuzz/corpus/"$t"/* "$work"/
  dict=()
  [ -f test/fuzz/"$t".dict ] && dict=(-dict=test/fuzz/"$t".dict)
  rc=0
  "$out/test/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -print_final_stats=1 -artifact_prefix="$artifacts" "${dict[@]}" "$work" >"$log" 2>&1 || rc=$?
  done_line=$(grep -a 'DONE ' "$log" | tail -1 || true)
  field() { sed -n "s/.* $1 *\([^ ]*\).*/\1/p" <<<"$done_line"; }
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  printf '%-18s %8s %12s %8s %7s %7s %12s\n' "$t" "$seconds" "${execs:-?}" "${rate:-?}" "$(field cov:)" \
    "$(field ft:)" "$(field corp:)" | tee -a "$summary"
  if [ "$rc" != 0 ]; then
    failed+=("$t")
    echo "fuzz_$t failed (exit $rc); log: $log; artifacts: $artifacts" >&2
    grep -a -m1 -A30 -E '^check failed|^==[0-9]+==ERROR|runtime error|deadly signal' "$log" >&2 || tail -40 "$log" >&2
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]}" >&2
  exit 1
fi
echo "fuzzing: ${#targets[@]} targets, ${seconds} s each, no findings"
