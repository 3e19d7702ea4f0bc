#!/usr/bin/env bash
# The whole suite: fixtures, types, unit + integration tests, both browser builds, the store lint,
# e2e in Chromium and the shared journeys in Firefox.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache/reports
rm -f .cache/reports/*.json
node tests/fixtures/ensure.mjs
npx wxt prepare >/dev/null
npx tsc --noEmit
# Formatting, lint rules and which way imports go (biome.json, .dependency-cruiser.cjs).
npm run --silent lint
npx vitest run --project unit --project integration --reporter=default --reporter=json --outputFile=.cache/reports/node.json
# Smoke run of the cloze recovery evaluation on a fixture model (a few seconds).
npm run --silent eval:cloze -- --model sesame-fixtures/tiny-bert-uncased --text tests/fixtures/cloze-eval-en.txt --every 3
# Smoke run of the Word-in-Context evaluation and α fit on a fixture model (a second or two).
npm run --silent eval:wic -- --model sesame-fixtures/tiny-bert-uncased --data tests/fixtures/wic --fit-alpha
# Builds both packages (.output/chrome-mv3, .output/firefox-mv2) and zips them as for the stores.
rm -f .output/sesame-*.zip
npm run zip
# Chrome Web Store–style manifest check of the Chrome package, Mozilla's addons-linter on the
# Firefox package and its zip.
node scripts/lint-store.mjs .output/sesame-*-firefox.zip
npx vitest run --project e2e --reporter=default --reporter=json --outputFile=.cache/reports/e2e.json
npx vitest run --project e2e-firefox --reporter=default --reporter=json --outputFile=.cache/reports/e2e-firefox.json
# Smoke run of the benchmark on the tiny fixtures (proves it works; timings are not asserted).
npm run --silent bench -- --quick --no-build
# And of what a reader feels (bench/latency.ts: the double-click through the bubble's frame, about a
# minute): the bubble's move into a frame once broke it without any test noticing.
npm run --silent bench -- --latency --quick --no-build
node scripts/summarize-tests.mjs .cache/reports/node.json .cache/reports/e2e.json .cache/reports/e2e-firefox.json
