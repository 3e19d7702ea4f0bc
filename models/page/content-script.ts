// The content script's body: captures the selection, shows results in an on-page bubble, runs
// inline completion. models/page/content-script.ts only wires it; everything here is undone when the
// extension is updated or reloaded (WXT's ctx.onInvalidated), so an orphaned copy stops listening.
import { browser } from 'wxt/browser';
import { mountBubble, type BubbleHandle } from '@/components/bubble/mount-bubble';
import { mountPageNotice, type PageNotice } from '@/components/bubble/page-notice';
import { saverFor } from '@/components/result/save-word';
import { speechOf } from '@/components/result/speak';
import type { ToolState } from '@/components/result/ResultView';
import { openPractice, requestForCapture, runTool } from '@/components/result/tool-runner';
import { request, setConnector } from '@/models/shared/client';
import { setUiLanguage, t } from '@/models/shared/i18n';
import { attachCompletion, type CompletionController } from '@/models/page/completion/controller';
import { type CaptureOutcome, captureRange, captureSelection, selectedRange } from '@/models/page/capture';
import { attachHoverLookup, type StepKey } from '@/models/page/hover/hover-lookup';
import { attachKnownMarks } from '@/models/page/known/known-marks';
import type { ScanStats } from '@/models/page/known/mark-known';
import { loadWords, wordListItem } from '@/models/shared/words/word-store';
import { mainTextReplyFor } from '@/models/page/article';
import { captureWithOccurrences } from '@/models/page/occurrence-scan';
import { revealRange } from '@/models/page/reveal';
import { isFromExtension, type MessageSenderLike } from '@/models/page/sender';
import { type CaptureReply, type ContentMessage, contentMessage, type MainTextReply, parse } from '@/models/shared/protocol';
import type { PortLike } from '@/models/shared/port';
import { frameSiteUrls } from '@/models/page/frame-sites';
import { watchPasswordFields } from '@/models/page/sensitive';
import { isAnySiteDisabled, type Settings, withDefaults } from '@/models/shared/settings';
import { loadSettings, settingsItem } from '@/models/shared/settings-store';
import { type Tool, TOOLS } from '@/models/shared/tools';
import { markSpans, span } from '@/models/shared/spans';

/** What the content script needs of WXT's context: a signal when this copy is orphaned. */
export interface ScriptLifetime {
  onInvalidated(cb: () => void): void;
  readonly isInvalid: boolean;
}

/** How long a bubble mounted on a double-click's second press waits for its lookup (the button's release) before it goes. */
const EARLY_BUBBLE_MS = 1_000;

/** Starts the content script in this frame; everything it attached is removed when `ctx` is invalidated. */
export function startContentScript(ctx: ScriptLifetime): void {
  // The page reads its own timeline: no marks of Sesame's there (spans.ts), unless a bench asks.
  markSpans(false);
  setConnector((name) => browser.runtime.connect({ name }) as unknown as PortLike);
  const cleanups: (() => void)[] = [];
  ctx.onInvalidated(() => {
    for (const undo of cleanups.splice(0)) undo();
  });
  cleanups.push(watchPasswordFields(document), () => {
    running?.abort();
    bubble?.close();
    pageNotice?.remove();
  });
  /** Off on this frame's site or on any site it is embedded in. */
  const siteOff = (s: Settings): boolean => isAnySiteDisabled(s, frameSiteUrls(location));
  let bubble: BubbleHandle | null = null;
  /** The bubble mounted on a double-click's second press, until a lookup fills it (or it goes). */
  let earlyBubble: BubbleHandle | null = null;
  let pageNotice: PageNotice | null = null;
  /** The open bubble shows a hover lookup (modifier+arrows step only then, never after a double-click or a shortcut). */
  let fromHover = false;
  /** Hover stepping from a key pressed in the bubble's frame (set once hover lookup is attached). */
  let stepFromBubble: ((key: StepKey) => void) | undefined;
  let running: AbortController | null = null;
  let settings: Settings | null = null;
  const settingsReady = loadSettings();
  /** Ranges of the uses of the last captured word, for `reveal`. */
  let revealable: (Range | null)[] = [];

  /** The selection (or the word under the pointer), with every use of its word on the page when it is one word. */
  const capture = (target?: Range): CaptureOutcome => {
    const outcome = target ? captureRange(window, target) : captureSelection(window);
    if (outcome.kind === 'none') return outcome;
    const found = captureWithOccurrences(outcome.capture, document.body ?? document.documentElement, target ?? selectedRange(window), {
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

  /** Runs a tool on the selection, or on `target` (hover lookup). */
  const run = async (tool: Tool, fromKeyboard = false, target?: Range): Promise<void> => {
    // The bubble's form depends on the settings: read them before the first one opens.
    settings ??= withDefaults(await settingsReady);
    fromHover = target !== undefined;
    const outcome = capture(target);
    const rect = (target ?? selectedRange(window))?.getBoundingClientRect() ?? null;
    const anchor = { x: rect?.left ?? 16, y: rect?.bottom ?? 16, top: rect?.top ?? 16 };
    if (outcome.kind === 'none') {
      // Only spaces selected: say what to do instead of doing nothing.
      if (outcome.reason === 'no-selection' && window.getSelection()?.toString()) {
        running?.abort();
        const error = { code: 'empty-input', message: '' } as const;
        earlyBubble = null;
        openBubble().update({ title: t(TOOLS[tool].title), state: { phase: 'error', error }, anchor, focusOnOpen: fromKeyboard });
      }
      return;
    }
    running?.abort();
    running = new AbortController();
    earlyBubble = null;
    const shown = openBubble();
    shown.say(null);
    const notice = outcome.capture.truncated ? t('notice_truncated') : undefined;
    const show = (state: ToolState) =>
      shown.update({
        title: t(TOOLS[tool].title),
        state,
        notice,
        anchor,
        onPractice,
        occurrences: outcome.capture.occurrences,
        onReveal: reveal,
        onSave: saverFor(outcome.capture),
        reading: settings?.reading,
        speech: tool === 'sense' ? speechOf(outcome.capture) : undefined,
        onStepKey: target ? stepFromBubble : undefined,
        focusOnOpen: fromKeyboard,
      });
    const onPractice = tool === 'cloze' ? () => void openPractice(outcome.capture, (error) => show({ phase: 'error', error })) : undefined;
    await runTool(requestForCapture(tool, outcome.capture, settings?.continueText), show, running.signal);
  };

  /** Tells the user something from the background: in the open bubble, else in a small notice by the selection. Text only. */
  const tell = async (notice: Extract<ContentMessage, { kind: 'notice' }>): Promise<void> => {
    settings ??= withDefaults(await settingsReady);
    const text =
      notice.notice === 'no-voice' ? t(notice.lang === 'zh' ? 'speak_no_voice_zh' : 'speak_no_voice_en') : t('speak_failed', { message: notice.message ?? '' });
    if (bubble) {
      bubble.say(text);
      return;
    }
    const rect = selectedRange(window)?.getBoundingClientRect() ?? null;
    pageNotice ??= mountPageNotice(document, { open: settings.testing?.openShadowRoots === true });
    pageNotice.show(text, rect && (rect.width > 0 || rect.height > 0) ? rect : null);
  };

  // Only the extension's own contexts drive the content script, its pages in tabs included (sender.ts).
  const extensionOrigin = browser.runtime.getURL('/');
  const fromExtension = (sender: MessageSenderLike): boolean => isFromExtension(sender, browser.runtime.id, extensionOrigin);

  const onMessage = (raw: unknown, sender: MessageSenderLike): Promise<CaptureReply | MainTextReply> | undefined => {
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
    if (parsed.value.kind === 'notice') {
      void tell(parsed.value);
      return undefined;
    }
    if (parsed.value.kind === 'mainText') return window === window.top ? Promise.resolve(mainTextReplyFor(document, location.href)) : undefined;
    if (window !== window.top && !window.getSelection()?.toString().trim()) return undefined;
    const outcome = capture();
    return Promise.resolve(outcome.kind === 'capture' ? outcome : { kind: 'none', reason: outcome.reason, url: location.href.slice(0, 4000) });
  };
  browser.runtime.onMessage.addListener(onMessage);
  cleanups.push(() => browser.runtime.onMessage.removeListener(onMessage));

  let completion: CompletionController | null = null;
  void settingsReady.then((loaded) => {
    if (ctx.isInvalid) return;
    settings = loaded;
    setUiLanguage(loaded.uiLanguage);
    markSpans(loaded.testing?.pageMarks === true);
    const current = (): Settings => settings ?? loaded;
    const completionSettings = () => ({ enabled: current().completion.enabled, pauseMs: current().completion.pauseMs });
    completion = attachCompletion(document, {
      settings: completionSettings(),
      isDisabled: () => siteOff(current()),
      openShadowRoot: loaded.testing?.openShadowRoots === true,
      requestCompletion: (prompt, fieldKey, onDelta, signal) =>
        request(
          {
            type: 'complete',
            prompt,
            fieldKey,
            maxNewTokens: Math.min(256, Math.max(1, Math.round(current().completion.maxTokens))),
            // Typing: a prompt that ends inside a word is a half-typed word to finish.
            continueWord: true,
          },
          { signal, retries: 0, onPartial: (p) => p.index === 0 && onDelta(p.delta) },
        ).then(() => undefined),
    });
    cleanups.push(() => completion?.detach());
    const known = attachKnownMarks(document, {
      enabled: () => current().knownWords.highlight && !siteOff(current()),
      loadWords,
      inflections: () => current().sense.inflections,
      openShadowRoot: loaded.testing?.openShadowRoots === true,
      // In the content script's world only (the e2e tests read the scan's cost there).
      onScanned: (stats) => void ((globalThis as { sesameKnownScan?: ScanStats }).sesameKnownScan = stats),
    });
    cleanups.push(
      () => known.detach(),
      wordListItem.watch(() => known.refresh()),
    );
    const unwatch = settingsItem.watch((next) => {
      const wasMarking = current().knownWords.highlight;
      settings = withDefaults(next);
      setUiLanguage(settings.uiLanguage);
      completion?.configure(completionSettings());
      if (settings.knownWords.highlight !== wasMarking) known.refresh();
    });
    cleanups.push(unwatch);
    const hover = attachHoverLookup(document, {
      modifier: () => current().hover.modifier,
      isDisabled: () => siteOff(current()),
      matchWords: (text) => request({ type: 'dict.match', text }, { retries: 0 }).then((r) => r.lengths),
      lookUp: (range) => void run('sense', false, range),
      isOpen: () => bubble !== null && fromHover,
    });
    stepFromBubble = (key) => void hover.stepKey(key);
    cleanups.push(() => {
      stepFromBubble = undefined;
      hover.detach();
    });
    if (siteOff(current()) || !current().lookupOnDoubleClick) return;
    const onPageText = (event: MouseEvent): boolean =>
      event.target instanceof Element && !event.target.closest('input,textarea,[contenteditable],sesame-bubble');
    // The second press of the user's own double-click: the bubble's frame starts loading now, while
    // the button is down (~0.1 s for a person), instead of on the dblclick that comes with its
    // release. It stays invisible until the lookup fills it, and goes if none does (not a word).
    const onSecondPress = (event: MouseEvent): void => {
      if (!event.isTrusted || event.detail !== 2 || event.button !== 0 || bubble || !onPageText(event)) return;
      // Settings may have changed since the page loaded (the site switched off, double-click lookup off).
      if (siteOff(current()) || !current().lookupOnDoubleClick) return;
      const early = openBubble();
      earlyBubble = early;
      setTimeout(() => {
        if (earlyBubble !== early) return;
        earlyBubble = null;
        early.close();
      }, EARLY_BUBBLE_MS);
    };
    const onDoubleClick = (event: MouseEvent): void => {
      // Only the user's own double-click: a page can dispatch one, and select words, in script.
      if (!event.isTrusted || !onPageText(event)) return;
      const word = window.getSelection()?.toString().trim() ?? '';
      if (word && word.length <= 64 && !/\s/.test(word)) {
        span('page:dblclick');
        void run('sense');
      }
    };
    document.addEventListener('mousedown', onSecondPress, true);
    document.addEventListener('dblclick', onDoubleClick);
    cleanups.push(() => {
      document.removeEventListener('mousedown', onSecondPress, true);
      document.removeEventListener('dblclick', onDoubleClick);
    });
  });
}
