// Content script: captures the selection and shows results in an on-page bubble.
import { browser } from 'wxt/browser';
import { mountBubble, type BubbleHandle } from '@/components/mount-bubble';
import { saverFor } from '@/components/save-word';
import type { ToolState } from '@/components/ResultView';
import { openPractice, requestForCapture, runTool } from '@/components/tool-runner';
import { request, setConnector } from '@/models/client';
import { setUiLanguage, t } from '@/models/i18n';
import { attachCompletion, type CompletionController } from '@/models/completion/controller';
import { type CaptureOutcome, captureSelection, selectedRange } from '@/models/page/capture';
import { mainTextReplyFor } from '@/models/page/article';
import { captureWithOccurrences } from '@/models/page/occurrence-scan';
import { revealRange } from '@/models/page/reveal';
import { isFromExtension, type MessageSenderLike } from '@/models/page/sender';
import { type CaptureReply, contentMessage, type MainTextReply, parse } from '@/models/protocol';
import type { PortLike } from '@/models/router';
import { frameSiteUrls } from '@/models/page/frame-sites';
import { watchPasswordFields } from '@/models/page/sensitive';
import { isAnySiteDisabled, type Settings, withDefaults } from '@/models/settings';
import { loadSettings, settingsItem } from '@/models/settings-store';

const TITLES = { sense: 'title_sense', cloze: 'title_cloze', complete: 'title_complete' } as const;

export default defineContentScript({
  matches: ['<all_urls>'],
  allFrames: true,
  // Also frames without an origin of their own (about:blank, srcdoc), e.g. editors and embeds.
  matchAboutBlank: true,
  matchOriginAsFallback: true,
  runAt: 'document_idle',
  main() {
    setConnector((name) => browser.runtime.connect({ name }) as unknown as PortLike);
    watchPasswordFields(document);
    /** Off on this frame's site or on any site it is embedded in. */
    const siteOff = (s: Settings): boolean => isAnySiteDisabled(s, frameSiteUrls(location));
    let bubble: BubbleHandle | null = null;
    let running: AbortController | null = null;
    let settings: Settings | null = null;
    const settingsReady = loadSettings();
    /** Ranges of the uses of the last captured word, for `reveal`. */
    let revealable: (Range | null)[] = [];

    /** The selection, with every use of its word on the page when it is one word. */
    const capture = (): CaptureOutcome => {
      const outcome = captureSelection(window);
      if (outcome.kind === 'none') return outcome;
      const found = captureWithOccurrences(outcome.capture, document.body ?? document.documentElement, selectedRange(window), {
        inflections: settings?.sense.inflections ?? true,
      });
      revealable = found.ranges;
      return { kind: 'capture', capture: found.capture };
    };
    const reveal = (index: number) => {
      const range = revealable[index];
      if (range) revealRange(range);
    };

    const openBubble = (): BubbleHandle =>
      (bubble ??= mountBubble(
        document,
        () => {
          bubble = null;
          running?.abort();
        },
        { open: settings?.testing?.openShadowRoots === true },
      ));

    const run = async (tool: keyof typeof TITLES, fromKeyboard = false): Promise<void> => {
      // The bubble's form depends on the settings: read them before the first one opens.
      settings ??= withDefaults(await settingsReady);
      const outcome = capture();
      const rect = selectedRange(window)?.getBoundingClientRect() ?? null;
      const anchor = { x: rect?.left ?? 16, y: rect?.bottom ?? 16, top: rect?.top ?? 16 };
      if (outcome.kind === 'none') {
        // Only spaces selected: say what to do instead of doing nothing.
        if (outcome.reason === 'no-selection' && window.getSelection()?.toString()) {
          running?.abort();
          const error = { code: 'empty-input', message: '' } as const;
          openBubble().update({ title: t(TITLES[tool]), state: { phase: 'error', error }, anchor, focusOnOpen: fromKeyboard });
        }
        return;
      }
      running?.abort();
      running = new AbortController();
      const shown = openBubble();
      const notice = outcome.capture.truncated ? t('notice_truncated') : undefined;
      const show = (state: ToolState) =>
        shown.update({
          title: t(TITLES[tool]),
          state,
          notice,
          anchor,
          onPractice,
          occurrences: outcome.capture.occurrences,
          onReveal: reveal,
          onSave: saverFor(outcome.capture),
          focusOnOpen: fromKeyboard,
        });
      const onPractice = tool === 'cloze' ? () => void openPractice(outcome.capture, (error) => show({ phase: 'error', error })) : undefined;
      await runTool(requestForCapture(tool, outcome.capture, settings?.continueText), show, running.signal);
    };

    // Only the extension's own contexts drive the content script, its pages in tabs included (sender.ts).
    const extensionOrigin = browser.runtime.getURL('/');
    const fromExtension = (sender: MessageSenderLike): boolean => isFromExtension(sender, browser.runtime.id, extensionOrigin);

    browser.runtime.onMessage.addListener((raw: unknown, sender): Promise<CaptureReply | MainTextReply> | undefined => {
      if (!fromExtension(sender)) return undefined;
      const parsed = parse(contentMessage, raw);
      if (!parsed.ok) return undefined;
      if (parsed.value.kind === 'trigger') {
        if (parsed.value.tool === 'complete' && completion?.suggestNow()) return undefined;
        if (window.getSelection()?.toString() || document.activeElement !== document.body) void run(parsed.value.tool, true);
        return undefined;
      }
      if (parsed.value.kind === 'reveal') {
        reveal(parsed.value.index);
        return undefined;
      }
      if (parsed.value.kind === 'mainText') return window === window.top ? Promise.resolve(mainTextReplyFor(document, location.href)) : undefined;
      if (window !== window.top && !window.getSelection()?.toString().trim()) return undefined;
      const outcome = capture();
      return Promise.resolve(
        outcome.kind === 'capture' ? outcome : { kind: 'none', reason: outcome.reason, url: location.href.slice(0, 4000) },
      );
    });

    let completion: CompletionController | null = null;
    void settingsReady.then((loaded) => {
      settings = loaded;
      setUiLanguage(loaded.uiLanguage);
      const current = (): Settings => settings ?? loaded;
      const completionSettings = () => ({ enabled: current().completion.enabled, pauseMs: current().completion.pauseMs });
      completion = attachCompletion(document, {
        settings: completionSettings(),
        isDisabled: () => siteOff(current()),
        openShadowRoot: loaded.testing?.openShadowRoots === true,
        requestCompletion: (prompt, fieldKey, onDelta, signal) =>
          request(
            { type: 'complete', prompt, fieldKey, maxNewTokens: Math.min(256, Math.max(1, Math.round(current().completion.maxTokens))) },
            { signal, retries: 0, onPartial: (p) => p.index === 0 && onDelta(p.delta) },
          ).then(() => undefined),
      });
      settingsItem.watch((next) => {
        settings = withDefaults(next);
        setUiLanguage(settings.uiLanguage);
        completion?.configure(completionSettings());
      });
      if (siteOff(current()) || !current().lookupOnDoubleClick) return;
      document.addEventListener('dblclick', (event) => {
        // Only the user's own double-click: a page can dispatch one, and select words, in script.
        if (!event.isTrusted) return;
        if (!(event.target instanceof Element) || event.target.closest('input,textarea,[contenteditable],sesame-bubble')) return;
        const word = window.getSelection()?.toString().trim() ?? '';
        if (word && word.length <= 64 && !/\s/.test(word)) void run('sense');
      });
    });
  },
});
