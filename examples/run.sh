#!/bin/sh
# Builds loopnest (Release), evaluates the bundled example (a 16-PE
# accelerator running a 1-D convolution with output and input channels)
# with its mapping, then searches for the best mapping of the same layer.
# Installs missing Debian packages first when run as root.
set -eu
cd "$(dirname "$0")/.."
. tests/install-dependencies.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j "$(nproc 2>/dev/null || echo 2)" --target loopnest
example=examples/conv1d-3level
./build/release/loopnest eval $example/architecture.yaml $example/problem.yaml $example/mapping.yaml \
  -o build/example
./build/release/loopnest search $example/architecture.yaml $example/problem.yaml -o build/example-search --quiet
