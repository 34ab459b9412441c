#!/bin/sh
# Builds loopnest and runs every test: a Release build with gcc, an Asan
# (AddressSanitizer + UndefinedBehaviorSanitizer) build with gcc, and a
# Release build with clang (the code must build clean with both compilers),
# and the fuzz targets briefly under libFuzzer (clang, the Fuzz build type);
# the Asan build replays the fuzz regression corpus.
# Installs missing Debian packages first when run as root.
set -eu
cd "$(dirname "$0")/.."
LN_EXTRA_PACKAGES="clang" . tests/install-dependencies.sh
# libFuzzer's runtime is only recommended by Debian's clang.
probe=$(mktemp)
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' |
  clang -fsanitize=fuzzer,address -x c - -o "$probe" >/dev/null 2>&1 || {
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libclang-rt-dev
  else
    echo "missing: libclang-rt-dev (libFuzzer), e.g. sudo apt-get install libclang-rt-dev" >&2
    exit 1
  fi
}
rm -f "$probe"
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
# The fuzz targets under libFuzzer, briefly, from their corpus (tests/fuzz).
CC=clang run build/fuzz -DCMAKE_BUILD_TYPE=Fuzz
echo "all tests passed (gcc Release, gcc Asan, clang Release, clang Fuzz)"
