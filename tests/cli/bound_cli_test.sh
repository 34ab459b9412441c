#!/bin/sh
# loopnest bound: help and usage errors, the reports of the Eyeriss-like
# design (JSON that parses, a frontier that falls, the bound at the
# buffer's capacity where the frontier says, an SVG), the same figures for
# the same spec written as Timeloop YAML, and located errors for inputs it
# cannot bound.
#   bound_cli_test.sh LOOPNEST SOURCE_DIR WORK_DIR
set -u
loopnest=$1 source=$2 work=$3
designs=$source/examples/designs
failures=0
rm -rf "$work" && mkdir -p "$work"

check() { # description, condition...
  description=$1; shift
  if "$@"; then echo "ok: $description"; else echo "FAILED: $description"; failures=$((failures + 1)); fi
}
contains() { grep -q -- "$2" "$1"; }
# The value of "key": in a JSON report (the first one).
json_value() { sed -n "s/.*\"$2\": \([^,]*\),*$/\1/p" "$1" | head -n 1; }

"$loopnest" bound --help >"$work/help" 2>&1; status=$?
check "bound --help exits 0" [ $status -eq 0 ]
for option in "-o, --output DIR" "--prefix NAME" "--tables DIR" "-q, --quiet"; do
  check "bound --help documents $option" contains "$work/help" "$option"
done
"$loopnest" --help >"$work/main_help" 2>&1
check "loopnest --help lists bound" contains "$work/main_help" "bound FILE"
"$loopnest" bound >"$work/none" 2>&1; status=$?
check "bound without inputs exits 2" [ $status -eq 2 ]
"$loopnest" bound "$designs/eyeriss_like.nest" --threads 2 >"$work/option" 2>&1; status=$?
check "bound with an option it does not take exits 2" [ $status -eq 2 ]

# The Eyeriss-like design: 4800 tile shapes of a strided convolution, every
# order of each tile's outer loops.
"$loopnest" bound "$designs/eyeriss_like.nest" -o "$work/eyeriss" --prefix eyeriss \
  >"$work/eyeriss.log" 2>"$work/eyeriss.err"; status=$?
check "bound of the Eyeriss-like design exits 0" [ $status -eq 0 ]
for suffix in bound.json bound.svg; do
  check "it writes eyeriss.$suffix" [ -s "$work/eyeriss/eyeriss.$suffix" ]
done
check "no temporary files are left" [ -z "$(ls -A "$work/eyeriss" | grep -v '^eyeriss\.')" ]
check "without a terminal there is no progress line" [ ! -s "$work/eyeriss.err" ]
check "bound.json is JSON" python3 -m json.tool "$work/eyeriss/eyeriss.bound.json" >/dev/null
check "the summary names the problem, the levels and the capacity" \
  contains "$work/eyeriss.log" "bound: conv2D below DRAM at shared_glb (131072 words): at least "
check "the summary gives the frontier and the evaluations" \
  contains "$work/eyeriss.log" "(frontier of [0-9]* points from 3 words to .* words; [0-9]* mappings evaluated)"
check "the summary names the report files" contains "$work/eyeriss.log" "eyeriss.bound.json, .bound.svg"
check "bound.json says it is complete" contains "$work/eyeriss/eyeriss.bound.json" '"complete": true'
check "bound.json names the buffer" contains "$work/eyeriss/eyeriss.bound.json" '"level": "shared_glb"'
check "bound.json has the capacity" [ "$(json_value "$work/eyeriss/eyeriss.bound.json" capacity_words)" = 131072 ]
check "bound.json gives each point's tile" contains "$work/eyeriss/eyeriss.bound.json" '"tile": {'
check "bound.json gives each point's loop order" contains "$work/eyeriss/eyeriss.bound.json" '"order": "'
# The frontier falls strictly, the bound at capacity is the last point
# that fits, the last point is the compulsory traffic, and the summary
# prints the same number.
cat >"$work/frontier.py" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
points = report["points"]
assert points, "no points"
for before, after in zip(points, points[1:]):
    assert after["footprint_words"] > before["footprint_words"], (before, after)
    assert after["traffic_words"] < before["traffic_words"], (before, after)
fitting = [p for p in points if p["footprint_words"] <= report["capacity_words"]]
assert report["bound_at_capacity_words"] == fitting[-1]["traffic_words"], report["bound_at_capacity_words"]
assert points[-1]["traffic_words"] == report["compulsory_words"]
dimensions = set(points[0]["tile"])
for p in points:
    assert set(p["tile"]) == dimensions
    outer = [name for name in dimensions if p["outer"][name] > 1]
    assert sorted(p["order"].split()) == sorted(outer), p
# As the summary prints it: 3 significant digits and k, M, G from 10000.
value, suffix = float(report["bound_at_capacity_words"]), ""
if value >= 1e4:
    for suffix in "kMGTPE":
        value /= 1e3
        if value < 1e3:
            break
print("%.3g%s" % (value, suffix) if suffix else "%.0f" % value)
EOF
bound=$(python3 "$work/frontier.py" "$work/eyeriss/eyeriss.bound.json" 2>"$work/frontier.err"); status=$?
check "the frontier falls and the bound at capacity is its last fitting point" [ $status -eq 0 ]
[ $status -eq 0 ] || cat "$work/frontier.err"
check "the summary's bound is the report's" contains "$work/eyeriss.log" "at least $bound words of DRAM traffic"
check "bound.svg is an SVG document" \
  contains "$work/eyeriss/eyeriss.bound.svg" '<svg xmlns="http://www.w3.org/2000/svg"'
check "bound.svg marks the capacity" contains "$work/eyeriss/eyeriss.bound.svg" "shared_glb capacity"
check "bound.svg is whole" contains "$work/eyeriss/eyeriss.bound.svg" "</svg>"

# The same spec as Timeloop YAML gives the same frontier.
"$loopnest" convert "$designs/eyeriss_like.nest" --to yaml -o "$work/eyeriss.yaml" >/dev/null 2>&1
"$loopnest" bound "$work/eyeriss.yaml" -o "$work/eyeriss_yaml" -q >"$work/eyeriss_yaml.log" 2>&1; status=$?
check "bound of the YAML conversion exits 0" [ $status -eq 0 ]
check "it gives the same report" cmp -s "$work/eyeriss/eyeriss.bound.json" "$work/eyeriss_yaml/loopnest.bound.json"

# Inputs it cannot bound: located errors, exit 1, no reports.
cat >"$work/one_level.nest" <<'EOF'
include "gemm.nest";

problem small = gemm(M = 8, N = 8, K = 8);

arch System {
  technology = "45nm";
  DRAM : DRAM { width = 64; datawidth = 8; }
  MACC : intmac { width = 8; }
}
EOF
"$loopnest" bound "$work/one_level.nest" -o "$work/one_level" >"$work/one_level.log" 2>&1; status=$?
check "an architecture without a buffer exits 1" [ $status -eq 1 ]
check "the error is located at the backing store" contains "$work/one_level.log" "one_level.nest:7:3: error: "
check "the error says what is missing" \
  contains "$work/one_level.log" "needs a storage level below the outermost one (DRAM)"
check "no report is written" [ ! -e "$work/one_level/loopnest.bound.json" ]
cat >"$work/broken.nest" <<'EOF'
problem small {
  dims M = 8, N = 8
  Outputs[m][n] += Inputs[m][n];
}
EOF
"$loopnest" bound "$work/broken.nest" -o "$work/broken" >"$work/broken.log" 2>&1; status=$?
check "a syntax error exits 1" [ $status -eq 1 ]
check "the syntax error is located" contains "$work/broken.log" "broken.nest:3:3: error: "

echo "$failures failures"
[ $failures -eq 0 ]
