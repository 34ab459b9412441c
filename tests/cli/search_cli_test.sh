#!/bin/sh
# loopnest search: options, reports (and that the mapping files it writes
# evaluate to the same figures), exit status 3 with a diagnosis when
# nothing fits, constraint errors, the time limit, and SIGINT.
#   search_cli_test.sh LOOPNEST SOURCE_DIR WORK_DIR
set -u
loopnest=$1 source=$2 work=$3
tutorial=$source/examples/tutorial
failures=0
rm -rf "$work" && mkdir -p "$work"

check() { # description, condition...
  description=$1; shift
  if "$@"; then echo "ok: $description"; else echo "FAILED: $description"; failures=$((failures + 1)); fi
}
contains() { grep -q -- "$2" "$1"; }
# The value of "key": in a JSON report: the first one, or (with a third
# argument) the first after the key named there.
json_value() {
  if [ $# -gt 2 ]; then
    sed -n "/\"$3\"/,\$ s/.*\"$2\": \([^,]*\),*$/\1/p" "$1" | head -n 1
  else
    sed -n "s/.*\"$2\": \([^,]*\),*$/\1/p" "$1" | head -n 1
  fi
}
# Milliseconds since the epoch.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

"$loopnest" search --help >"$work/help" 2>&1; status=$?
check "search --help exits 0" [ $status -eq 0 ]
for option in "--threads N" "--time-limit S" "--seed N" "--algorithm NAME" "--quiet" "--no-refine" "--pareto" "-o, --output DIR"; do
  check "search --help documents $option" contains "$work/help" "$option"
done
"$loopnest" --help >"$work/main_help" 2>&1
check "loopnest --help lists search" contains "$work/main_help" "search FILE"

for bad in "--threads 0" "--threads x" "--time-limit -1" "--time-limit soon" "--seed -3" "--algorithm annealing"; do
  # shellcheck disable=SC2086
  "$loopnest" search "$tutorial/05-conv1d-oc-3level-null.nest" $bad >"$work/bad" 2>&1; status=$?
  check "search $bad exits 2" [ $status -eq 2 ]
done
check "an unknown algorithm lists the known ones" contains "$work/bad" "exhaustive, linear_pruned, random, random_pruned, hybrid and optimal"

# The free-bypass exercise: 64 mappings.
"$loopnest" search "$tutorial/05-conv1d-oc-3level-freebypass.nest" -o "$work/free" --prefix best \
  >"$work/free.log" 2>"$work/free.err"; status=$?
check "search of exercise 05 (free bypass) exits 0" [ $status -eq 0 ]
for suffix in stats.txt map.txt json map.yaml map.nest search.json; do
  check "search writes best.$suffix" [ -s "$work/free/best.$suffix" ]
done
check "no temporary files are left" [ -z "$(ls -A "$work/free" | grep -v '^best\.')" ]
check "the summary names the algorithm" contains "$work/free.log" "search: linear_pruned, 1 thread, seed 1"
check "the summary says why it stopped" contains "$work/free.log" "Stopped     : exhausted"
check "all 64 candidates were visited" contains "$work/free.log" "Candidates  : 64 visited"
check "without a terminal there is no progress line" [ ! -s "$work/free.err" ]
check "search.json has the mapspace sizes" contains "$work/free/best.search.json" '"datatype_bypass": "64"'
check "search.json says it was exhausted" contains "$work/free/best.search.json" '"stop": "exhausted"'
check "search.json lists the improvements" contains "$work/free/best.search.json" '"improvements": \['
energy=$(json_value "$work/free/best.json" energy_pj summary)
check "search.json's best is the reported mapping" [ "$(json_value "$work/free/best.search.json" energy_pj)" = "$energy" ]

# The mapping files evaluate to the same figures: map.yaml with the
# program as Timeloop YAML, map.nest pasted beside the program.
"$loopnest" convert "$tutorial/05-conv1d-oc-3level.nest" --to yaml -o "$work/program.yaml" >/dev/null 2>&1
"$loopnest" eval "$work/program.yaml" "$work/free/best.map.yaml" -o "$work/again_yaml" \
  >"$work/again_yaml.log" 2>&1; status=$?
check "best.map.yaml evaluates" [ $status -eq 0 ]
check "best.map.yaml gives the same energy" \
  [ "$(json_value "$work/again_yaml/loopnest.json" energy_pj summary)" = "$energy" ]
"$loopnest" eval "$tutorial/05-conv1d-oc-3level.nest" "$work/free/best.map.nest" -o "$work/again_nest" \
  >"$work/again_nest.log" 2>&1; status=$?
check "best.map.nest evaluates" [ $status -eq 0 ]
check "best.map.nest gives the same energy" \
  [ "$(json_value "$work/again_nest/loopnest.json" energy_pj summary)" = "$energy" ]
check "the map files have the same stats" cmp -s "$work/again_yaml/loopnest.stats.txt" "$work/free/best.stats.txt"

# Options override the program's search.
"$loopnest" search "$tutorial/05-conv1d-oc-3level-freebypass.nest" --algorithm random --seed 5 --threads 2 \
  -o "$work/override" >"$work/override.log" 2>&1; status=$?
check "options override the search directive" contains "$work/override.log" "search: random, 2 threads, seed 5"

# Nothing fits: exit 3 and the most frequent reason.
cat >"$work/nothing.nest" <<'EOF'
include "05-conv1d-oc-3level.nest";

search {
  @RegisterFile
    keep Weights;
    for k in [0:32)
    for r in [0:3)
}
EOF
LOOPNEST_PATH=$tutorial "$loopnest" search "$work/nothing.nest" -o "$work/nothing" >"$work/nothing.log" 2>&1; status=$?
check "no valid mapping exits 3" [ $status -eq 3 ]
check "it says no valid mapping was found" contains "$work/nothing.log" "no valid mapping found"
check "it names the level that overflows" contains "$work/nothing.log" "most often, [0-9]*: the tiles overflow RegisterFile (largest: Weights; e.g. 96 words needed, 64 held)"
check "no report is written" [ ! -e "$work/nothing/loopnest.stats.txt" ]

# A constraint that cannot be met: a located error.
cat >"$work/conflict.nest" <<'EOF'
include "05-conv1d-oc-3level.nest";

search {
  @GlobalBuffer
    for p in [0:5)
}
EOF
LOOPNEST_PATH=$tutorial "$loopnest" search "$work/conflict.nest" -o "$work/conflict" >"$work/conflict.log" 2>&1; status=$?
check "an impossible constraint exits 1" [ $status -eq 1 ]
check "it is located in the program" contains "$work/conflict.log" "conflict.nest:5:"
check "it says why" contains "$work/conflict.log" "5 does not divide P's bound 16"

# A time limit and SIGINT both stop a long search (an exhaustive one of
# 10^12 mappings) and leave whole reports of the best mapping found.
long="$work/long.nest"
cat >"$long" <<'EOF'
problem Conv2D {
  dims K = 64, C = 64, R = 3, S = 3, P = 28, Q = 28;
  Outputs[k][p][q] += Weights[k][c][r][s] * Inputs[c][p + r][q + s];
}

arch System {
  technology = "40nm";
  MainMemory : DRAM { width = 256; datawidth = 8; }
  GlobalBuffer : SRAM { depth = 32768; width = 64; datawidth = 8; }
  PE[16] {
    RegisterFile : regfile { depth = 256; width = 8; datawidth = 8; }
    MACC : intmac { width = 8; }
  }
}

search {
  algorithm exhaustive;
  stop after 0 without improvement;
  stop after 0 invalid;
}
EOF
start=$(now_ms)
"$loopnest" search "$long" --time-limit 0.5 --threads 2 -o "$work/limited" \
  >"$work/limited.log" 2>&1; status=$?
elapsed=$(($(now_ms) - start))
check "a time-limited search exits 0" [ $status -eq 0 ]
check "it stops at the time limit" contains "$work/limited/loopnest.search.json" '"stop": "time_limit"'
check "it stops within a second of the limit (${elapsed} ms)" [ "$elapsed" -lt 1500 ]

"$loopnest" search "$long" --threads 2 -o "$work/interrupted" \
  >"$work/interrupted.log" 2>&1 &
pid=$!
sleep 1
sent=$(now_ms)
kill -INT $pid
wait $pid; status=$?
elapsed=$(($(now_ms) - sent))
check "an interrupted search exits 0" [ $status -eq 0 ]
check "it exits within a second of SIGINT (${elapsed} ms)" [ "$elapsed" -lt 1000 ]
check "it says it was interrupted" contains "$work/interrupted/loopnest.search.json" '"stop": "interrupted"'
for suffix in stats.txt map.txt json map.yaml map.nest search.json; do
  check "the interrupted search wrote loopnest.$suffix" [ -s "$work/interrupted/loopnest.$suffix" ]
done
check "the reports describe the best mapping" \
  [ "$(json_value "$work/interrupted/loopnest.json" energy_pj summary)" = \
    "$(json_value "$work/interrupted/loopnest.search.json" energy_pj)" ]
check "the stats report is complete" contains "$work/interrupted/loopnest.stats.txt" "Summary Stats"

# The optimal search: a proof in the summary and the certificate, and the
# Pareto front's reports.
"$loopnest" search "$tutorial/05-conv1d-oc-3level-null.nest" --algorithm optimal -o "$work/optimal" \
  >"$work/optimal.log" 2>&1; status=$?
check "an optimal search exits 0" [ $status -eq 0 ]
check "its summary says the best is proven" contains "$work/optimal.log" "Proof       : optimal"
check "its summary accounts for the factorizations" contains "$work/optimal.log" "Factorizations: 945 = "
check "search.json has the certificate" contains "$work/optimal/loopnest.search.json" '"optimal": true'
"$loopnest" search "$tutorial/05-conv1d-oc-3level-null.nest" --pareto -o "$work/pareto" \
  >"$work/pareto.log" 2>&1; status=$?
check "a Pareto search exits 0" [ $status -eq 0 ]
for suffix in pareto.json pareto.svg; do
  check "it writes loopnest.$suffix" [ -s "$work/pareto/loopnest.$suffix" ]
done
check "pareto.json is JSON" python3 -m json.tool "$work/pareto/loopnest.pareto.json" >/dev/null
check "pareto.json says the front is complete" contains "$work/pareto/loopnest.pareto.json" '"complete": true'
check "each point has its mapping" contains "$work/pareto/loopnest.pareto.json" '"mapping": "mapping {'
check "pareto.svg is an SVG document" contains "$work/pareto/loopnest.pareto.svg" '<svg xmlns="http://www.w3.org/2000/svg"'
check "the summary gives the front" contains "$work/pareto.log" "Pareto front:"
"$loopnest" search "$tutorial/05-conv1d-oc-3level-null.nest" --pareto --algorithm random >"$work/bad" 2>&1; status=$?
check "--pareto with another algorithm exits 2" [ $status -eq 2 ]
check "and says why" contains "$work/bad" "give --algorithm optimal"
sed 's/minimize delay, energy;/minimize last_level_accesses;/' "$tutorial/05-conv1d-oc-3level-null.nest" \
  >"$work/accesses.nest"
LOOPNEST_PATH=$tutorial "$loopnest" search "$work/accesses.nest" --pareto >"$work/bad" 2>&1; status=$?
check "--pareto with a metric the front does not rank exits 2" [ $status -eq 2 ]
check "and names the metric" contains "$work/bad" "the inputs ask for last_level_accesses"
"$loopnest" search "$tutorial/05-conv1d-oc-3level-null.nest" --algorithm optimal --time-limit 0.000001 \
  -o "$work/cut" >"$work/cut.log" 2>&1; status=$?
check "a time-limited optimal search exits 0 or 3" [ $status -eq 0 ] || [ $status -eq 3 ]
# It may finish before the limit is noticed; its proof and its reason to
# stop must then agree.
if [ $status -eq 0 ] && contains "$work/cut/loopnest.search.json" '"optimal": false'; then
  check "a cut-short optimal search says it stopped at the time limit" \
    contains "$work/cut/loopnest.search.json" '"stop": "time_limit"'
  check "and gives a lower bound" contains "$work/cut.log" "Lower bound : "
elif [ $status -eq 0 ]; then
  check "a finished optimal search says it was exhausted" \
    contains "$work/cut/loopnest.search.json" '"stop": "exhausted"'
fi

echo "$failures failures"
[ $failures -eq 0 ]
