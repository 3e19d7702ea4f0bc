import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { defaultClientConditions } from 'vite';
import { cedictAsset } from './scripts/cedict-asset';
import { cedictGlossAssets } from './scripts/cedict-gloss-asset';
import { wordnetAssets } from './scripts/wordnet-asset';
import { cedictReverseAssets } from './scripts/cedict-reverse-asset';
import { frequencyAssets } from './scripts/frequency-asset';
import { ortRuntimeAssets } from './scripts/ort-assets';
import { storeSafe } from './scripts/store-safe';
import { SPEAK_COMMAND, TOOLS } from './models/shared/tools';
import { ANKI_ORIGINS } from './models/shared/learn/anki-settings';

// Extension pages are cross-origin isolated (COOP/COEP) so that onnxruntime-web can use
// SharedArrayBuffer and run multi-threaded WASM in the offscreen model host.
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill', '@wxt-dev/i18n/module'],
  vite: () => ({
    plugins: [preact(), storeSafe()],
    // onnxruntime-web's default build embeds its WASM glue and makes Vite emit the 27 MB .wasm
    // a second time; the extern-wasm build loads the copy we ship under /ort/ instead.
    resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
    build: { chunkSizeWarningLimit: 2000 },
  }),
  // `npm run dev` opens Debian's Chromium with the extension loaded and a throwaway profile.
  webExt: {
    binaries: { chrome: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
    chromiumArgs: [
      '--no-first-run',
      '--disable-sync',
      '--disable-background-networking',
      '--disable-component-update',
      // Chromium refuses to run as root with its sandbox on (containers, CI machines).
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ],
  },
  hooks: {
    'build:publicAssets': async (_wxt, assets) => {
      assets.push(...ortRuntimeAssets(), await cedictAsset(), ...(await wordnetAssets()), ...(await cedictGlossAssets()));
      // Reading aids (#19): English → Chinese equivalents, word-frequency bands and HSK levels.
      assets.push(...(await cedictReverseAssets()), ...(await frequencyAssets()));
    },
  },
  manifest: ({ browser, manifestVersion }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // alarms: the review badge; tts: speaking a word with an on-device voice from the background (Firefox's background page uses speechSynthesis, no permission).
    permissions: ['storage', 'contextMenus', 'activeTab', 'alarms', ...(browser === 'firefox' ? [] : ['offscreen', 'tts'])],
    // AnkiConnect on this computer, asked for when the user turns Anki on in Settings.
    ...(manifestVersion === 3 ? { optional_host_permissions: ANKI_ORIGINS } : { optional_permissions: ANKI_ORIGINS }),
    ...(manifestVersion === 3
      ? {
          content_security_policy: {
            extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self';",
          },
          cross_origin_embedder_policy: { value: 'require-corp' },
          cross_origin_opener_policy: { value: 'same-origin' },
        }
      : {
          content_security_policy: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self';",
        }),
    // The bubble's frame (components/bubble/mount-bubble.tsx): the only page a web page may embed, and
    // in Chrome under an address that changes each session, so a page cannot probe for it.
    web_accessible_resources: manifestVersion === 3 ? [{ resources: ['bubble.html'], matches: ['<all_urls>'], use_dynamic_url: true }] : ['bubble.html'],
    // One keyboard command per tool (models/shared/tools.ts).
    // Speech is no tool: its command comes beside them (Chrome takes at most 4 suggested keys).
    commands: Object.fromEntries(
      [...Object.values(TOOLS).map(({ command }) => command), SPEAK_COMMAND].map((command) => [
        command.name,
        { suggested_key: { default: command.key }, description: command.description },
      ]),
    ),
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            // data_collection_permissions (no data collected) is read from Firefox 140 and Firefox for Android 142 on.
            gecko: { id: 'sesame@sesame.invalid', strict_min_version: '140.0', data_collection_permissions: { required: ['none'] } },
            gecko_android: { strict_min_version: '142.0' },
          },
        }
      : {}),
  }),
});
