#!/usr/bin/env bash
# The whole suite: fixtures, types, unit + integration tests, both browser builds, e2e in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache/reports
rm -f .cache/reports/*.json
node tests/fixtures/ensure.mjs
npx wxt prepare >/dev/null
npx tsc --noEmit
npx vitest run --project unit --project integration --reporter=default --reporter=json --outputFile=.cache/reports/node.json
npm run build
npx vitest run --project e2e --reporter=default --reporter=json --outputFile=.cache/reports/e2e.json
node scripts/summarize-tests.mjs .cache/reports/node.json .cache/reports/e2e.json
