#!/usr/bin/env bash
# Test setup: installs the npm package @huggingface/hub (Hugging Face's own JavaScript client)
# into DIR from the npm registry, once per build tree, so that tst_cachepublisher can check our
# published HF cache with it. Without node/npm or the registry it says so and exits 0: the test
# then skips with that reason.
#   install-hfhub-npm.sh DIR
set -uo pipefail
dir=${1:?usage: install-hfhub-npm.sh DIR}
if [ -f "$dir/node_modules/@huggingface/hub/package.json" ]; then
  exit 0
fi
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
  echo "install-hfhub-npm: node/npm not found; the @huggingface/hub check will be skipped"
  exit 0
fi
mkdir -p "$dir"
if ! npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "@huggingface/hub@2" >"$dir/npm.log" 2>&1; then
  echo "install-hfhub-npm: npm install failed (see $dir/npm.log); the @huggingface/hub check will be skipped"
fi
exit 0
