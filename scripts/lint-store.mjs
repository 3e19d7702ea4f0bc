#!/usr/bin/env node
// Store lint, part of `npm test`:
// 1. A Chrome Web Store–style check of the Chrome package (.output/chrome-mv3 by default): MV3, a
//    version the store accepts, name and description within its limits (resolved in every locale),
//    icons present at their declared sizes (128 px required), a CSP that allows only the package's
//    own scripts, no remote code (no remote script URLs, no CDN locations), and every permission
//    justified below.
// 2. Mozilla's addons-linter on the Firefox package (.output/firefox-mv2) and on any Firefox zip
//    given (`npm run zip` output): no errors, and no warning that is not explained below and in
//    the README (section "Store lint").
//
// Usage: node scripts/lint-store.mjs [--chrome DIR] [--firefox DIR] [FIREFOX_ZIP...]
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** Why the extension needs each permission (shown on the store listing's privacy tab). */
export const PERMISSION_JUSTIFICATIONS = {
  storage: 'Settings, the word list and practice history are kept in extension storage (never page text otherwise).',
  contextMenus: 'The three tools are offered on the selection’s context menu.',
  activeTab: 'The popup and keyboard commands read the selection of the tab the user is in, when the user asks.',
  offscreen: 'Chrome: the models run in an offscreen document (WebAssembly threads need a cross-origin-isolated DOM context).',
  alarms: 'The toolbar badge counts review cards due: an alarm updates it when the next card falls due.',
  // Optional: asked for only when the user turns Anki on in Settings.
  'http://127.0.0.1/*':
    'Optional, asked for when the user turns Anki on: AnkiConnect (the Anki add-on) listens on this computer’s loopback address; saved words go there and nowhere else.',
  tts: 'Chrome: the speak button and shortcut read the selected word and its sentence aloud with a voice installed on this machine (never a network voice).',
};
/** Content-script match patterns and why. */
const MATCH_JUSTIFICATIONS = {
  '<all_urls>': 'Double-click lookup and ghost text work on any page the user reads or types in; nothing is sent off the machine.',
};

/**
 * addons-linter warnings that remain, each explained (README, "Store lint"). Matched on code, file
 * and message; anything else fails.
 */
const EXPLAINED_FIREFOX_WARNINGS = [
  {
    code: 'UNSAFE_VAR_ASSIGNMENT',
    file: 'background.js',
    message: /Unsafe call to import/,
    why: "onnxruntime-web loads its Emscripten glue with import(url); the URL is the package’s own ort/ort-wasm-simd-threaded.asyncify.mjs or ort/ort-wasm-simd-threaded.mjs (models/host/transformers-env.ts) and the CSP (script-src 'self') allows nothing else.",
  },
  {
    code: 'UNSAFE_VAR_ASSIGNMENT',
    file: 'content-scripts/content.js',
    message: /Unsafe assignment to innerHTML/,
    count: 2,
    why: 'Mozilla Readability (the article extractor) resets its working copy between attempts (page.innerHTML = pageCacheHtml) and unwraps <noscript> images (tmp.innerHTML = noscript.innerHTML); both act on document.cloneNode(true), a document without a browsing context where nothing runs or loads, and Sesame reads the result as text only (models/page/article.ts).',
  },
];

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const [value] = args.splice(i, 2).slice(1);
  return value;
};
const chromeDir = resolve(option('--chrome', '.output/chrome-mv3'));
const firefoxDir = resolve(option('--firefox', '.output/firefox-mv2'));
const zips = args.map((z) => resolve(z));

const problems = [];
const notes = [];
const fail = (where, message) => problems.push(`${where}: ${message}`);

function filesUnder(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

/** Width and height of a PNG file, or null. */
function pngSize(path) {
  const b = readFileSync(path);
  if (b.length < 24 || b.toString('latin1', 1, 4) !== 'PNG') return null;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** Messages of one locale (WXT writes _locales/<lang>/messages.json). */
function messages(dir, locale) {
  const file = join(dir, '_locales', locale, 'messages.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}

function resolvedInLocales(dir, value) {
  const m = /^__MSG_(\w+)__$/.exec(value ?? '');
  if (!m) return [['(literal)', value ?? '']];
  const locales = existsSync(join(dir, '_locales')) ? readdirSync(join(dir, '_locales')) : [];
  return locales.map((locale) => [locale, messages(dir, locale)[m[1]]?.message ?? messages(dir, locale)[m[1].toLowerCase()]?.message]);
}

function checkChrome(dir) {
  const where = relative(process.cwd(), dir) || dir;
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) return fail(where, 'no manifest.json (run npm run build first)');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  if (manifest.manifest_version !== 3) fail(where, `manifest_version is ${manifest.manifest_version}, the Chrome Web Store takes 3`);
  // Version: one to four dot-separated integers 0–65535, no leading zeros.
  const version = String(manifest.version ?? '');
  const parts = version.split('.');
  if (parts.length < 1 || parts.length > 4 || parts.some((p) => !/^(0|[1-9]\d{0,4})$/.test(p) || Number(p) > 65535))
    fail(where, `version "${version}" is not 1–4 integers 0–65535`);
  for (const [locale, name] of resolvedInLocales(dir, manifest.name)) {
    if (!name) fail(where, `name missing in locale ${locale}`);
    else if ([...name].length > 75) fail(where, `name longer than 75 characters in ${locale}`);
  }
  for (const [locale, description] of resolvedInLocales(dir, manifest.description)) {
    if (!description) fail(where, `description missing in locale ${locale}`);
    else if ([...description].length > 132) fail(where, `description is ${[...description].length} characters in ${locale} (the store allows 132)`);
  }
  // Icons: a 128 px one at least, every declared file present at its size.
  const icons = manifest.icons ?? {};
  if (!icons['128']) fail(where, 'no 128×128 icon in manifest.icons');
  const declared = [...Object.entries(icons), ...Object.entries(manifest.action?.default_icon ?? {})];
  for (const [size, file] of declared) {
    const path = join(dir, file);
    if (!existsSync(path)) {
      fail(where, `icon ${file} is missing`);
      continue;
    }
    const dims = pngSize(path);
    if (!dims) fail(where, `icon ${file} is not a PNG`);
    else if (dims.width !== Number(size) || dims.height !== Number(size)) fail(where, `icon ${file} is ${dims.width}×${dims.height}, declared ${size}`);
  }
  // CSP: only the package's own scripts (and WebAssembly compilation), no remote or eval sources.
  const csp = manifest.content_security_policy?.extension_pages ?? '';
  const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1]?.trim().split(/\s+/) ?? [];
  if (!csp) fail(where, 'no content_security_policy.extension_pages');
  for (const source of scriptSrc) if (!["'self'", "'wasm-unsafe-eval'"].includes(source)) fail(where, `script-src allows ${source}`);
  if (!/object-src '(self|none)'/.test(csp)) fail(where, "object-src is not 'self' or 'none'");
  if (manifest.content_security_policy?.sandbox) fail(where, 'a sandbox CSP: explain or remove');
  // Permissions: each one justified; no host permissions beyond what is justified.
  for (const permission of [...(manifest.permissions ?? []), ...(manifest.optional_permissions ?? [])]) {
    if (!PERMISSION_JUSTIFICATIONS[permission]) fail(where, `permission "${permission}" has no justification (scripts/lint-store.mjs)`);
  }
  for (const host of manifest.host_permissions ?? []) fail(where, `host permission "${host}" has no justification`);
  for (const host of manifest.optional_host_permissions ?? []) {
    if (!PERMISSION_JUSTIFICATIONS[host]) fail(where, `optional host permission "${host}" has no justification (scripts/lint-store.mjs)`);
  }
  for (const script of manifest.content_scripts ?? []) {
    for (const match of script.matches ?? []) if (!MATCH_JUSTIFICATIONS[match]) fail(where, `content script match "${match}" has no justification`);
  }
  if (manifest.externally_connectable) fail(where, 'externally_connectable: explain or remove');
  // No remote code: no script loaded from elsewhere, no CDN locations anywhere in the code.
  const remoteScript = [
    [/<script[^>]+src\s*=\s*["']?(https?:)?\/\//i, 'a <script> from another host'],
    [/\bimport\s*\(\s*["'`](https?:)?\/\//, 'import() of a remote URL'],
    [/\bimportScripts\s*\(\s*["'`](https?:)?\/\//, 'importScripts() of a remote URL'],
    [/\bfrom\s*["'](https?:)?\/\//, 'a static import of a remote URL'],
    [/\b(cdn\.jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com|esm\.sh|cdn\.skypack\.dev)\b/, 'a CDN location'],
  ];
  let scanned = 0;
  for (const file of filesUnder(dir)) {
    if (!/\.(m?js|html)$/.test(file)) continue;
    scanned++;
    const text = readFileSync(file, 'utf8');
    for (const [pattern, what] of remoteScript) if (pattern.test(text)) fail(where, `${relative(dir, file)} has ${what}`);
  }
  notes.push(
    `Chrome package: MV3, version ${version}, ${Object.keys(icons).length} icons, ${(manifest.permissions ?? []).length} permissions justified, ${scanned} code files free of remote code`,
  );
}

function addonsLinter(target) {
  const bin = resolve('node_modules/.bin/addons-linter');
  let out;
  try {
    out = execFileSync(bin, ['--output', 'json', target], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    out = error.stdout; // exits non-zero on errors; the report is still on stdout
  }
  const report = JSON.parse(out);
  const where = relative(process.cwd(), target) || target;
  for (const e of report.errors) fail(where, `addons-linter error ${e.code} in ${e.file ?? 'the package'}: ${e.message}`);
  let explained = 0;
  const seen = new Map();
  for (const w of report.warnings) {
    const known = EXPLAINED_FIREFOX_WARNINGS.find((k) => k.code === w.code && k.file === w.file && k.message.test(w.message));
    // An explained warning covers as many places as it names (one unless `count` says more): a new one fails.
    const n = known ? (seen.get(known) ?? 0) + 1 : 0;
    if (known) seen.set(known, n);
    if (known && n <= (known.count ?? 1)) explained++;
    else fail(where, `addons-linter warning ${w.code} in ${w.file ?? 'the package'}: ${w.message}`);
  }
  notes.push(
    `addons-linter on ${where}: ${report.errors.length} errors, ${report.warnings.length} warnings (${explained} explained), ${report.notices.length} notices`,
  );
}

checkChrome(chromeDir);
if (!existsSync(join(firefoxDir, 'manifest.json'))) fail(firefoxDir, 'no manifest.json (run npm run build first)');
else addonsLinter(firefoxDir);
for (const zip of zips) addonsLinter(zip);
for (const note of notes) console.log(note);
if (problems.length) {
  for (const p of problems) console.error(`store lint: ${p}`);
  process.exit(1);
}
console.log('store lint: clean');
