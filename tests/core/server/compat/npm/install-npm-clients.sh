#!/usr/bin/env bash
# Test setup: installs the npm clients of the compatibility tests (socket.io-client at the
# version the original miStudio frontend pins) into DIR from the npm registry, exactly as
# package-lock.json says (npm ci), once per build tree. Without node/npm or the registry it
# says so and exits 0: the tests that need the clients then skip with that reason.
#   install-npm-clients.sh SOURCE_DIR DIR
set -uo pipefail
src=${1:?usage: install-npm-clients.sh SOURCE_DIR DIR}
dir=${2:?usage: install-npm-clients.sh SOURCE_DIR DIR}
mkdir -p "$dir"
# The scripts that drive the clients: always the current ones.
cp "$src"/*.mjs "$dir/"
if [ -f "$dir/node_modules/socket.io-client/package.json" ] && cmp -s "$src/package-lock.json" "$dir/package-lock.json"; then
  exit 0
fi
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
  echo "install-npm-clients: node/npm not found; the socket.io-client tests will be skipped"
  exit 0
fi
cp "$src/package.json" "$src/package-lock.json" "$dir/"
if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >"$dir/npm.log" 2>&1; then
  echo "install-npm-clients: npm ci failed (see $dir/npm.log); the socket.io-client tests will be skipped"
fi
exit 0
