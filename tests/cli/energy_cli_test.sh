#!/bin/sh
# `loopnest energy` and the estimator behind `loopnest eval`: help, usage
# errors, the four Accelergy files, --tables, located errors.
#   energy_cli_test.sh LOOPNEST SOURCE_DIR WORK_DIR
set -u
loopnest=$1 source=$2 work=$3
data=$source/tests/data/energy
failures=0
rm -rf "$work" && mkdir -p "$work"

check() { # description, condition...
  description=$1; shift
  if "$@"; then echo "ok: $description"; else echo "FAILED: $description"; failures=$((failures + 1)); fi
}
contains() { grep -q -- "$2" "$1"; }

"$loopnest" --help >"$work/help" 2>&1
check "--help lists energy" contains "$work/help" "energy FILE"
"$loopnest" energy --help >"$work/energy_help" 2>&1; status=$?
check "energy --help exits 0" [ $status -eq 0 ]
for option in "-o, --output DIR" "--prefix NAME" "--tables DIR" "-h, --help"; do
  check "energy --help documents $option" contains "$work/energy_help" "$option"
done
"$loopnest" eval --help >"$work/eval_help" 2>&1
check "eval --help documents --tables" contains "$work/eval_help" "--tables DIR"
"$loopnest" energy >"$work/none" 2>&1; status=$?
check "energy without files exits 2" [ $status -eq 2 ]
"$loopnest" energy --bogus x.yaml >"$work/bogus" 2>&1; status=$?
check "energy: unknown option exits 2" [ $status -eq 2 ]
"$loopnest" energy x.yaml --tables >"$work/no_value" 2>&1; status=$?
check "energy: --tables without a value exits 2" [ $status -eq 2 ]
"$loopnest" energy x.yaml --prefix a/b >"$work/prefix" 2>&1; status=$?
check "energy: a prefix with a slash exits 2" [ $status -eq 2 ]

# The error cases' architecture, with the ERT/ART that cover it: no errors.
"$loopnest" energy "$data/divide_by_zero.yaml" "$data/given_tables.yaml" -o "$work/given" --prefix given \
  >"$work/given.log" 2>&1; status=$?
check "an ERT/ART in the inputs spares the estimator" [ $status -eq 0 ]
for suffix in ERT.yaml ART.yaml ERT_summary.yaml ART_summary.yaml; do
  check "energy writes given.$suffix" [ -s "$work/given/given.$suffix" ]
done
check "the input ERT is passed through" contains "$work/given/given.ERT.yaml" "energy: 1.25"
check "the ERT entry says where it came from" contains "$work/given/given.ERT.yaml" "# energy from ERT"
check "no temporary files are left" [ -z "$(ls -A "$work/given" | grep -v '^given\.')" ]

"$loopnest" energy "$data/divide_by_zero.yaml" -o "$work/broken" >"$work/broken.log" 2>&1; status=$?
check "a class that divides by zero exits 1" [ $status -eq 1 ]
check "the error is located" contains "$work/broken.log" "divide_by_zero.yaml:21:20: error: attribute 'scale' of class 'my_storage' (for 'Buffer'): division by zero"
check "nothing is written on errors" [ ! -e "$work/broken/loopnest.ERT.yaml" ]

"$loopnest" energy "$data/unknown_class.yaml" >"$work/unknown.log" 2>&1; status=$?
check "an unknown subcomponent class exits 1" [ $status -eq 1 ]
check "the unknown class is named with a suggestion" contains "$work/unknown.log" "did you mean 'intadder'?"

# The stdlib's classes with a table that overrides the comparator.
cat >"$work/stdlib.yaml" <<'YAML'
architecture:
  version: 0.4
  subtree:
    - name: system
      attributes: {technology: "40nm", global_cycle_seconds: 1e-9}
      local:
        - name: Buffer
          class: regfile
          attributes: {depth: 64, width: 8, datawidth: 8}
        - name: MACC
          class: intmac
          attributes: {width: 8}
YAML
"$loopnest" energy "$work/stdlib.yaml" -o "$work/stdlib" >"$work/stdlib.log" 2>&1; status=$?
check "the stdlib classes need no compound_components" [ $status -eq 0 ]
check "the register file access is 0.42564 pJ" contains "$work/stdlib/loopnest.ERT.yaml" "energy: 0.42564"
check "the 8-bit MAC is 0.845 pJ" contains "$work/stdlib/loopnest.ERT.yaml" "energy: 0.845"
check "the summary names the primitives" contains "$work/stdlib/loopnest.ERT_summary.yaml" "name: comparator\[1..64\]"
"$loopnest" energy "$work/stdlib.yaml" --tables "$data/tables" -o "$work/tables" >"$work/tables.log" 2>&1; status=$?
check "--tables exits 0" [ $status -eq 0 ]
check "the table's comparator energy is used" contains "$work/tables/loopnest.ERT.yaml" "energy: 0.136"
check "the table is named as the source" contains "$work/tables/loopnest.ERT_summary.yaml" "comparator.csv:3"
"$loopnest" energy "$work/stdlib.yaml" --tables "$work/no_such_dir" >"$work/no_dir.log" 2>&1; status=$?
check "a missing tables folder exits 1" [ $status -eq 1 ]

check "energy --help names the compatibility table" contains "$work/energy_help" "stdlib/compat/accelergy-2024"

# An SRAM between the sweeps' grid points says so; a swept one says it is a row.
cat >"$work/sram.yaml" <<'YAML'
architecture:
  version: 0.4
  subtree:
    - name: system
      attributes: {technology: "45nm", global_cycle_seconds: 1e-9}
      local:
        - name: Between
          class: SRAM
          attributes: {depth: 1280, width: 64}
        - name: Banked
          class: SRAM
          attributes: {depth: 32768, width: 64, n_banks: 2, technology: "40nm"}
        - name: MACC
          class: intmac
          attributes: {width: 8}
YAML
"$loopnest" energy "$work/sram.yaml" -o "$work/sram" >"$work/sram.log" 2>&1; status=$?
check "energy on SRAMs exits 0" [ $status -eq 0 ]
check "an off-grid SRAM is reported as interpolated" contains "$work/sram/loopnest.ERT.yaml" \
  "interpolated between the 64x1024 and 64x1536 rows at 45nm"
check "the tutorials' 40 nm 2-bank read is 43.353054 pJ" contains "$work/sram/loopnest.ERT.yaml" "energy: 43.35305"
# The compatibility table from the embedded stdlib, whatever the folder.
(cd "$work" && "$loopnest" energy "$work/sram.yaml" --tables stdlib/compat/accelergy-2024 -o "$work/compat") \
  >"$work/compat.log" 2>&1; status=$?
check "--tables stdlib/compat/accelergy-2024 works outside the source tree" [ $status -eq 0 ]
(cd "$work" && "$loopnest" energy "$work/sram.yaml" --tables stdlib/compat/no-such-table) >"$work/compat_missing.log" 2>&1
status=$?
check "an unknown stdlib table folder exits 1" [ $status -eq 1 ]

reference=$source/../shared/reference
[ -n "${LOOPNEST_REFERENCE_DIR:-}" ] && reference=$LOOPNEST_REFERENCE_DIR
case=$reference/tutorial-2020/timeloop/00-model-conv1d-1level/ref-output
if [ -d "$case" ]; then
  "$loopnest" eval "$case/parsed-processed-input.yaml" -o "$work/conv1d" >"$work/conv1d.log" 2>&1; status=$?
  check "eval without an ERT exits 0" [ $status -eq 0 ]
  check "the buffer costs 1561.54 fJ per compute" contains "$work/conv1d/loopnest.stats.txt" "Buffer           = 1561.54"
  check "the stats name the estimator" contains "$work/conv1d/loopnest.stats.txt" "Vector access energy source     : estimator: regfile"
  "$loopnest" eval "$case/parsed-processed-input.yaml" "$case/timeloop-model.ERT.yaml" \
    "$case/timeloop-model.ART.yaml" -o "$work/conv1d_ert" >/dev/null 2>&1
  check "with the ERT the stats say ERT" contains "$work/conv1d_ert/loopnest.stats.txt" "Vector access energy source     : ERT"
  # Exercise 06 at 32 nm: the smart buffers' NeuroSim adders from the table.
  case06=$reference/tutorial-2020/timeloop/06-mapper-convlayer-eyeriss/ref-output
  (cd "$work" && "$loopnest" energy "$case06/parsed-processed-input.yaml" --tables stdlib/compat/accelergy-2024 \
    -o "$work/case06") >"$work/case06.log" 2>&1; status=$?
  check "energy with the compatibility table exits 0" [ $status -eq 0 ]
  check "the adders come from the embedded table" contains "$work/case06/loopnest.ERT_summary.yaml" \
    "table stdlib/compat/accelergy-2024/intadder.csv"
else
  echo "skipped: reference data not found at $reference"
fi

if [ $failures -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
