#!/bin/sh
# Builds loopnest and runs every test: a Release build with gcc, an Asan
# (AddressSanitizer + UndefinedBehaviorSanitizer) build with gcc, and a
# Release build with clang (the code must build clean with both compilers).
# Installs missing Debian packages first when run as root.
set -eu
cd "$(dirname "$0")/.."
LN_EXTRA_PACKAGES="clang" . tests/install-dependencies.sh
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
