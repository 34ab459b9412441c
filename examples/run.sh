#!/bin/sh
# Builds loopnest (Release) and evaluates the bundled example: a 16-PE
# accelerator running a 1-D convolution with output and input channels.
# Installs missing Debian packages first when run as root.
set -eu
cd "$(dirname "$0")/.."
need=""
command -v cmake >/dev/null 2>&1 || need="$need cmake"
command -v cc >/dev/null 2>&1 || need="$need build-essential"
command -v flex >/dev/null 2>&1 || need="$need flex"
command -v bison >/dev/null 2>&1 || need="$need bison"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
pkg-config --exists yaml-0.1 2>/dev/null || need="$need libyaml-dev"
pkg-config --exists cmocka 2>/dev/null || need="$need libcmocka-dev"
if [ -n "$need" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need
  else
    echo "missing:$need (install them, e.g. sudo apt-get install$need)" >&2
    exit 1
  fi
fi
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j "$(nproc 2>/dev/null || echo 2)" --target loopnest
example=examples/conv1d-3level
./build/release/loopnest eval $example/architecture.yaml $example/problem.yaml $example/mapping.yaml \
  -o build/example
