#!/bin/sh
# The language's commands: fmt, check, convert, and eval of .nest files.
#   cli_test.sh LOOPNEST SOURCE_DIR WORK_DIR
set -u
loopnest=$1 source=$2 work=$3
examples=$source/examples/tutorial
failures=0
rm -rf "$work" && mkdir -p "$work"

check() { # description, condition...
  description=$1; shift
  if "$@"; then echo "ok: $description"; else echo "FAILED: $description"; failures=$((failures + 1)); fi
}
contains() { grep -q -- "$2" "$1"; }

# fmt
printf 'problem P{dims K=4;Out[k]+=W[k]*In[k];}\n// kept\n' >"$work/messy.nest"
"$loopnest" fmt --check "$work/messy.nest" >"$work/check.log" 2>&1; status=$?
check "fmt --check of a non-canonical file exits 1" [ $status -eq 1 ]
check "fmt --check names the file" contains "$work/check.log" "messy.nest: not in canonical form"
check "fmt --check changes nothing" contains "$work/messy.nest" "problem P{dims"
"$loopnest" fmt "$work/messy.nest" >"$work/fmt.log" 2>&1; status=$?
check "fmt exits 0" [ $status -eq 0 ]
check "fmt rewrites the file" contains "$work/messy.nest" "  Out\[k\] += W\[k\] \* In\[k\];"
check "fmt keeps comments" contains "$work/messy.nest" "// kept"
check "fmt leaves no temporary file" [ "$(ls -A "$work" | grep -c messy)" -eq 1 ]
"$loopnest" fmt --check "$work/messy.nest" >/dev/null 2>&1; status=$?
check "a formatted file is canonical" [ $status -eq 0 ]
printf 'problem P {\n  dims K = 4\n}\n' >"$work/broken.nest"
cp "$work/broken.nest" "$work/broken.orig"
"$loopnest" fmt "$work/broken.nest" >"$work/broken.log" 2>&1; status=$?
check "fmt of a file that does not parse exits 1" [ $status -eq 1 ]
check "fmt reports the syntax error" contains "$work/broken.log" "broken.nest:3:1: error: unexpected"
check "fmt leaves a broken file alone" cmp -s "$work/broken.nest" "$work/broken.orig"
"$loopnest" fmt >/dev/null 2>&1; status=$?
check "fmt without files exits 2" [ $status -eq 2 ]
"$loopnest" fmt --frob x.nest >/dev/null 2>&1; status=$?
check "fmt with an unknown option exits 2" [ $status -eq 2 ]

# check
"$loopnest" check "$examples/04-conv1d-oc-ic-3levelspatial-kp.nest" >"$work/ok.log" 2>&1; status=$?
check "check of a valid program exits 0" [ $status -eq 0 ]
check "check summarises" contains "$work/ok.log" "ok: problem Conv1D_OC (4 dimensions, 3 tensors); architecture System_top_level (4 storage levels); mapping valid;"
"$loopnest" check "$work/broken.nest" >/dev/null 2>&1; status=$?
check "check of a broken program exits 1" [ $status -eq 1 ]
"$loopnest" check --help >"$work/check_help" 2>&1; status=$?
check "check --help exits 0" [ $status -eq 0 ]

# convert
"$loopnest" convert "$examples/03-conv1d-oc-3level-bypass.nest" -o "$work/spec.yaml" >/dev/null 2>&1; status=$?
check "convert picks YAML from the extension" [ $status -eq 0 ]
check "the YAML has the subtree form" contains "$work/spec.yaml" "RegisterFile\[1..1\]"
"$loopnest" convert "$work/spec.yaml" -o "$work/spec.nest" >/dev/null 2>&1; status=$?
check "convert picks .nest from the extension" [ $status -eq 0 ]
"$loopnest" convert "$work/spec.nest" --to nest -o - >"$work/stdout.nest" 2>&1; status=$?
check "convert -o - writes to standard output" [ $status -eq 0 ]
check "converting canonical .nest again gives the same text" cmp -s "$work/spec.nest" "$work/stdout.nest"
"$loopnest" convert "$work/spec.nest" >/dev/null 2>&1; status=$?
check "convert without -o exits 2" [ $status -eq 2 ]
"$loopnest" convert "$work/spec.nest" --to json -o x.json >/dev/null 2>&1; status=$?
check "convert to an unknown language exits 2" [ $status -eq 2 ]
"$loopnest" convert "$work/broken.nest" --to yaml -o "$work/never.yaml" >/dev/null 2>&1; status=$?
check "convert of a broken program exits 1" [ $status -eq 1 ]
check "a failed conversion writes nothing" [ ! -e "$work/never.yaml" ]

# eval of .nest files, alone and with YAML
"$loopnest" eval "$examples/01-conv1d-2level-ws.nest" -o "$work/eval" >"$work/eval.log" 2>&1; status=$?
check "eval of a .nest program exits 0" [ $status -eq 0 ]
check "eval writes the stats" [ -s "$work/eval/loopnest.stats.txt" ]
check "eval's summary names the problem" contains "$work/eval.log" "Conv1D on System_top_level: 48 computes"
"$loopnest" eval "$work/spec.yaml" "$work/spec.nest" -o "$work/mixed" >/dev/null 2>&1; status=$?
check "eval of YAML and .nest together exits 0" [ $status -eq 0 ]

[ "$failures" -eq 0 ] || { echo "$failures failures"; exit 1; }
exit 0
