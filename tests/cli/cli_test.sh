#!/bin/sh
# Command-line behaviour: help, usage errors, outputs, failures, warnings.
#   cli_test.sh LOOPNEST SOURCE_DIR WORK_DIR
set -u
loopnest=$1 source=$2 work=$3
example=$source/examples/conv1d-3level
data=$source/tests/data/cli
failures=0
rm -rf "$work" && mkdir -p "$work"

check() { # description, condition...
  description=$1; shift
  if "$@"; then echo "ok: $description"; else echo "FAILED: $description"; failures=$((failures + 1)); fi
}
contains() { grep -q -- "$2" "$1"; }

"$loopnest" --help >"$work/help" 2>&1; status=$?
check "--help exits 0" [ $status -eq 0 ]
check "--help lists eval" contains "$work/help" "eval FILE"
"$loopnest" eval --help >"$work/eval_help" 2>&1; status=$?
check "eval --help exits 0" [ $status -eq 0 ]
for option in "-o, --output DIR" "--prefix NAME" "-h, --help"; do
  check "eval --help documents $option" contains "$work/eval_help" "$option"
done
"$loopnest" frobnicate >"$work/unknown" 2>&1; status=$?
check "unknown command exits 2" [ $status -eq 2 ]
check "unknown command is named" contains "$work/unknown" "unknown command 'frobnicate'"
"$loopnest" eval >"$work/none" 2>&1; status=$?
check "eval without files exits 2" [ $status -eq 2 ]
"$loopnest" eval --bogus x.yaml >"$work/bogus" 2>&1; status=$?
check "unknown option exits 2" [ $status -eq 2 ]
check "unknown option is named" contains "$work/bogus" "unknown option '--bogus'"

"$loopnest" eval "$example/architecture.yaml" "$example/problem.yaml" "$example/mapping.yaml" \
  -o "$work/out" --prefix run1 >"$work/eval" 2>&1; status=$?
check "eval of the example exits 0" [ $status -eq 0 ]
for suffix in stats.txt map.txt json; do
  check "eval writes run1.$suffix" [ -s "$work/out/run1.$suffix" ]
done
check "summary prints cycles" contains "$work/eval" "Cycles      : 12288"
check "summary prints pJ/Compute" contains "$work/eval" "pJ/Compute"
check "no temporary files are left" [ -z "$(ls -A "$work/out" | grep -v '^run1\.')" ]

"$loopnest" eval "$work/missing.yaml" >"$work/missing" 2>&1; status=$?
check "a missing input exits 1" [ $status -eq 1 ]
check "a missing input is named" contains "$work/missing" "cannot open '$work/missing.yaml'"

"$loopnest" eval "$data/tiny_buffer.yaml" "$example/problem.yaml" "$example/mapping.yaml" \
  -o "$work/tiny" >"$work/tiny.log" 2>&1; status=$?
check "a tile that does not fit exits 1" [ $status -eq 1 ]
check "the overflow names level and amounts" contains "$work/tiny.log" "RegisterFile need 37 words but it holds 16"
check "the overflow points at the size" contains "$work/tiny.log" "tiny_buffer.yaml:22:25:"
check "a failed evaluation writes no report" [ ! -e "$work/tiny/loopnest.stats.txt" ]

# A residual factor (P=16,12): the figures timeloop-model prints for the same
# inputs (4cf6d4c): cycles count every temporal iteration, and the global
# buffer's Inputs reads and fills are Timeloop's, not the ideal 1984.
"$loopnest" eval "$example/architecture.yaml" "$data/imperfect_problem.yaml" "$data/imperfect_mapping.yaml" \
  -o "$work/imperfect" >"$work/imperfect.log" 2>&1; status=$?
check "an imperfect mapping evaluates" [ $status -eq 0 ]
check "imperfect: computes" contains "$work/imperfect.log" "184320 computes"
check "imperfect: cycles" contains "$work/imperfect.log" "Cycles      : 12288"
check "imperfect: utilization" contains "$work/imperfect.log" "Utilization : 93.75%"
check "imperfect: buffer Inputs reads" contains "$work/imperfect/loopnest.stats.txt" "Scalar reads (per-instance)              : 2176"
check "imperfect: buffer Inputs fills" contains "$work/imperfect/loopnest.stats.txt" "Scalar fills (per-instance)              : 2112"

"$loopnest" eval "$example/architecture.yaml" "$example/problem.yaml" "$example/mapping.yaml" \
  "$data/constraints.yaml" -o "$work/constrained" >"$work/constrained.log" 2>&1; status=$?
check "a violated constraint still evaluates" [ $status -eq 0 ]
check "the violated constraint is named" contains "$work/constrained.log" "warning: the mapping violates the mapspace temporal constraint on RegisterFile"

touch "$work/a_file"
"$loopnest" eval "$example/architecture.yaml" "$example/problem.yaml" "$example/mapping.yaml" \
  -o "$work/a_file/sub" >"$work/badout.log" 2>&1; status=$?
check "an unusable output directory exits 1" [ $status -eq 1 ]

echo "$failures failures"
[ $failures -eq 0 ]
