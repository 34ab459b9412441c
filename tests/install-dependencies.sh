#!/bin/sh
# Installs the Debian packages loopnest builds with, when missing. Sourced by
# examples/run.sh and tests/run-all.sh; extra package names (e.g. clang) may
# be passed in LN_EXTRA_PACKAGES.
need=""
command -v cmake >/dev/null 2>&1 || need="$need cmake"
command -v cc >/dev/null 2>&1 || need="$need build-essential"
command -v flex >/dev/null 2>&1 || need="$need flex"
command -v bison >/dev/null 2>&1 || need="$need bison"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
pkg-config --exists yaml-0.1 2>/dev/null || need="$need libyaml-dev"
pkg-config --exists cmocka 2>/dev/null || need="$need libcmocka-dev"
for package in ${LN_EXTRA_PACKAGES:-}; do
  command -v "$package" >/dev/null 2>&1 || need="$need $package"
done
if [ -n "$need" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need
  else
    echo "missing:$need (install them, e.g. sudo apt-get install$need)" >&2
    exit 1
  fi
fi
