#!/bin/sh
# Differential check of the mapper against a real timeloop-mapper build:
# runs both on the same inputs (one thread, loopnest without its
# refinement) and prints what each found and how long each took.
#
#   TIMELOOP_MAPPER=/path/to/timeloop-mapper tests/tools/differential_search.sh LOOPNEST INPUT...
#
# Skipped (exit 77) unless TIMELOOP_MAPPER points at a binary. With
# TIMELOOP_V3=1 the inputs are rewritten for Timeloop v3.0.3, which reads
# only the hyphenated spelling of some keys (tests/tools/timeloop_v3_keys.sed);
# see ../shared/research/timeloop-v3-build.md for building it. Both tools
# must search the same space: give deterministic algorithms (exhaustive,
# linear_pruned) or expect different answers.
set -u
if [ -z "${TIMELOOP_MAPPER:-}" ] || [ ! -x "$TIMELOOP_MAPPER" ]; then
  echo "TIMELOOP_MAPPER is not set to a timeloop-mapper binary; skipping"
  exit 77
fi
loopnest=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/loopnest_differential_XXXXXX)
inputs=""
n=0
for input in "$@"; do
  n=$((n + 1))
  if [ "${TIMELOOP_V3:-0}" = 1 ]; then
    sed -f "$here/timeloop_v3_keys.sed" "$input" >"$work/input$n.yaml"
    inputs="$inputs $work/input$n.yaml"
  else
    inputs="$inputs $input"
  fi
done

mkdir -p "$work/timeloop" "$work/loopnest"
start=$(date +%s%N)
# shellcheck disable=SC2086
(cd "$work/timeloop" && "$TIMELOOP_MAPPER" $inputs >log.txt 2>&1)
timeloop_ms=$((($(date +%s%N) - start) / 1000000))
start=$(date +%s%N)
# shellcheck disable=SC2086
"$loopnest" search "$@" --threads 1 --no-refine --quiet -o "$work/loopnest" >"$work/loopnest/log.txt" 2>&1
loopnest_ms=$((($(date +%s%N) - start) / 1000000))

summary() { # stats.txt -> "cycles energy_pj"
  awk '/^Cycles:/ {c = $2} /^Computes =/ {n = $3} /^    Total  / {e = $3} END {printf "%s %.6f", c, n * e / 1000}' "$1"
}
timeloop=$(summary "$work/timeloop/timeloop-mapper.stats.txt")
loopnest=$(summary "$work/loopnest/loopnest.stats.txt")
echo "timeloop-mapper: cycles, energy (pJ) = $timeloop in $timeloop_ms ms"
echo "loopnest search: cycles, energy (pJ) = $loopnest in $loopnest_ms ms"
echo "outputs in $work"
echo "$timeloop $loopnest" | awk '{ if ($1 != $3) exit 1; d = ($4 - $2) / $2; if (d < 0) d = -d; exit d > 0.005 }'
