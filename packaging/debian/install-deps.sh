#!/usr/bin/env bash
# Installs the Debian 12 packages miStudio Models needs to build, test, package and benchmark.
# A fast no-op when everything is already present (one dpkg-query, no apt-get call).
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git dpkg-dev file
  # the sanitized tree and libFuzzer (make sanitize, make fuzz)
  clang-14 libclang-rt-14-dev
  # Qt 6.4 modules
  qt6-base-dev qt6-base-dev-tools qt6-qpa-plugins libqt6sql6-sqlite libqt6sql6-psql
  qt6-websockets-dev qt6-svg-dev libqt6svg6
  qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qtkeychain-qt6-dev
  libgl-dev libvulkan-dev libxkbcommon-dev
  # core libraries
  libssl-dev nlohmann-json3-dev libtorch-dev
  # catalogue tests
  postgresql postgresql-client
  # GUI without a display, screenshots
  xvfb xauth fonts-wqy-microhei
  # packaging: man pages from --help, and the checks of the .deb
  help2man desktop-file-utils appstream lintian man-db
  # benchmarks (bench/)
  curl aria2 wrk
)

missing=()
# One dpkg-query for all: "ii " means installed; unknown packages print nothing.
installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${PACKAGES[@]}" 2>/dev/null \
              | awk '$1 == "ii" {print $2}' || true)
for p in "${PACKAGES[@]}"; do
  grep -qx "$p" <<<"$installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "install-deps: installing ${#missing[@]} package(s): ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The postgresql package starts a system cluster; the tests use their own throwaway one.
echo "install-deps: done" >&2
