#!/bin/sh
# A fuzzing campaign: builds the Fuzz build type (clang, libFuzzer,
# ASan+UBSan) in build/fuzz and runs each target for SECONDS on its
# committed corpus plus seeds read in place (examples/, stdlib/, tests/data/
# and, when present, ../shared/reference). Prints executions, coverage and
# crashes per target; crashing inputs land in build/fuzz/artifacts/.
#   sh tests/fuzz/run.sh SECONDS [TARGET...]
# A crash found here is fixed with its input added to corpus/TARGET/ (the
# replay tests then run it in every build).
set -eu
cd "$(dirname "$0")/../.."
seconds=${1:?usage: run.sh SECONDS [TARGET...]}
shift
targets=${*:-fuzz_yaml fuzz_nest fuzz_tables fuzz_engine}
CC=clang cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=Fuzz >/dev/null
cmake --build build/fuzz -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
reference=${LOOPNEST_REFERENCE_DIR:-../shared/reference}
mkdir -p build/fuzz/artifacts build/fuzz/logs
status=0
for target in $targets; do
  work=build/fuzz/tests/fuzz/work/$target
  mkdir -p "$work"
  case $target in
    fuzz_nest) seeds="examples stdlib tests/dsl" ;;
    fuzz_tables) seeds="stdlib/compat tests/data/energy" ;;
    *) seeds="examples tests/data" ;;
  esac
  [ -d "$reference" ] && [ "$target" != fuzz_nest ] && [ "$target" != fuzz_tables ] && seeds="$seeds $reference"
  log=build/fuzz/logs/$target.log
  # shellcheck disable=SC2086
  build/fuzz/tests/fuzz/$target -max_total_time="$seconds" -max_len=65536 -timeout=20 -rss_limit_mb=2048 \
    -print_final_stats=1 -dict=tests/fuzz/loopnest.dict -artifact_prefix="build/fuzz/artifacts/$target-" \
    "$work" "tests/fuzz/corpus/$target" $seeds >"$log" 2>&1 || status=1
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
  crashes=$(find build/fuzz/artifacts -name "$target-*" | wc -l)
  echo "$target: ${runs:-0} executions, coverage ${coverage:-0} edges, $crashes crash/leak/timeout artifacts (log: $log)"
done
exit $status
