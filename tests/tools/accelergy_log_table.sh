#!/bin/sh
# Prints the compatibility table stdlib/compat/accelergy-2024/intadder.csv
# from the reference Accelergy logs: every intadder figure that Accelergy's
# NeuroSim plug-in produced there, keyed by the attributes Accelergy chose
# its estimator by (technology, n_bits, and whether `width` was set: the
# ALADDIN table needs it, so without it NeuroSim answered even at 45 nm).
#
#   sh tests/tools/accelergy_log_table.sh [REFERENCE_DIR] > intadder.csv
#   sh tests/tools/accelergy_log_table.sh --check FILE [REFERENCE_DIR]
#
# With --check it compares FILE with what the logs give (exit 1 on a
# difference, 77 without the logs); tests/golden/CMakeLists.txt runs that on
# the stdlib file.
set -eu
check=
if [ "${1:-}" = "--check" ]; then check=$2; shift 2; fi
reference=${1:-${LOOPNEST_REFERENCE_DIR:-$(dirname "$0")/../../../shared/reference}}
logs=$(find "$reference" -name '*.accelergy.log' 2>/dev/null | LC_ALL=C sort)
if [ -z "$logs" ]; then
  echo "skipped: no *.accelergy.log under $reference (set LOOPNEST_REFERENCE_DIR)" >&2
  exit 77
fi
if [ -n "$check" ]; then
  if sh "$0" "$reference" | diff -u "$check" -; then
    echo "$check is what the reference logs give"
    exit 0
  fi
  echo "$check differs from the reference logs; regenerate it with $0" >&2
  exit 1
fi
echo "technology,n_bits,width,action,energy,area"
# shellcheck disable=SC2086
awk '
/(ENERGY|AREA) ESTIMATION for intadder\(/ {
    header = $0
    kind = (header ~ /AREA ESTIMATION/) ? "area" : "energy"
    attributes = header
    sub(/^.*ESTIMATION for intadder\(/, "", attributes)
    sub(/\).*$/, "", attributes)
    action = ""
    if (kind == "energy") {
        action = header
        sub(/^.*ESTIMATION for intadder\([^)]*\)\./, "", action)
        sub(/\(.*$/, "", action)
    }
    technology = ""; bits = ""; width = "-"
    count = split(attributes, pairs, ", ")
    for (i = 1; i <= count; i++) {
        split(pairs[i], kv, "=")
        if (kv[1] == "technology") technology = kv[2]
        if (kv[1] == "n_bits") bits = kv[2]
        if (kv[1] == "width") width = kv[2]
    }
    pending = 1
    next
}
/ESTIMATION for / { pending = 0; next }
pending && /Neurosim Plug-In estimated/ {
    value = $0
    sub(/^.*Neurosim Plug-In estimated /, "", value)
    sub(/(p|u\^2) with accuracy.*$/, "", value)
    key = technology "," bits "," width
    keys[key] = 1
    if (kind == "area") area[key] = value
    else energy[key "," action] = value
    pending = 0
}
END {
    for (key in keys)
        for (a = 1; a <= 2; a++) {
            action = (a == 1) ? "add" : "leak"
            if ((key "," action) in energy)
                printf "%s,%s,%s,%s\n", key, action, energy[key "," action], area[key]
        }
}' $logs | LC_ALL=C sort -t, -k1,1 -k2,2n -k4,4
