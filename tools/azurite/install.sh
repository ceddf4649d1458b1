#!/bin/sh
# Installs the pinned Azurite (package-lock.json) into node_modules with "npm ci", unless the lock file that was
# installed last is the committed one. The build runs this before the tests that start Azurite.
set -eu
cd "$(dirname "$0")"
marker=node_modules/.litevfs-installed-lock.json
if [ -f "$marker" ] && [ -f node_modules/azurite/dist/src/blob/main.js ] && cmp -s package-lock.json "$marker"; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
cp package-lock.json "$marker"
