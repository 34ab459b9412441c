#!/bin/sh
# Builds loopnest and runs every test: a Release build with gcc, an Asan
# (AddressSanitizer + UndefinedBehaviorSanitizer) build with gcc, and a
# Release build with clang (the code must build clean with both compilers).
# Installs missing Debian packages first when run as root.
set -eu
cd "$(dirname "$0")/.."
need=""
command -v cmake >/dev/null 2>&1 || need="$need cmake"
command -v cc >/dev/null 2>&1 || need="$need build-essential"
command -v clang >/dev/null 2>&1 || need="$need clang"
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
jobs=$(nproc 2>/dev/null || echo 2)
run() {
  dir=$1; shift
  cmake -S . -B "$dir" "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  (cd "$dir" && ctest --output-on-failure -j "$jobs")
}
run build/release -DCMAKE_BUILD_TYPE=Release
ASAN_OPTIONS=detect_leaks=1 run build/asan -DCMAKE_BUILD_TYPE=Asan
CC=clang run build/clang -DCMAKE_BUILD_TYPE=Release
echo "all tests passed (gcc Release, gcc Asan, clang Release)"
