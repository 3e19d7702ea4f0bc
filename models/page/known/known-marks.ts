// Known words on a page: when the setting is on, saved words are marked where they appear (a
// bounded scan, mark-known.ts) and pointing at a mark shows the sense it was saved in. Follows
// the word list and the setting as they change; the pointer must be the user's (trusted events).
import { mountKnownTip, type KnownTip } from '@/components/bubble/known-tip';
import { t } from '../../shared/i18n';
import type { WordEntry } from '../../shared/words/word-list';
import { textAtPoint } from '../hover/text-at-point';
import { knownIndex, savedSense } from './known-words';
import { type Mark, markAt, type ScanLimits, type ScanStats, scanKnownWords, showMarks } from './mark-known';

export interface KnownMarksOptions {
  /** Whether marking is on here now (the setting and the per-site switch). */
  enabled(): boolean;
  loadWords(): Promise<WordEntry[]>;
  inflections(): boolean;
  openShadowRoot?: boolean;
  limits?: ScanLimits;
  /** The last scan's figures (for diagnostics and tests, in the content script's world only). */
  onScanned?: (stats: ScanStats) => void;
  isTrusted?: (event: Event) => boolean;
  restMs?: number;
  /** Text the page adds or changes is marked after it has been quiet this long (each scan is bounded anyway). */
  settleMs?: number;
}

export interface KnownMarks {
  /** Scans again (the word list or the setting changed). */
  refresh(): void;
  detach(): void;
}

export function attachKnownMarks(doc: Document, options: KnownMarksOptions): KnownMarks {
  const trusted = options.isTrusted ?? ((event: Event) => event.isTrusted);
  let marks: Mark[] = [];
  let hideMarks: () => void = () => {};
  let scanning: AbortController | null = null;
  let tip: KnownTip | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let shown: Mark | null = null;
  let settle: ReturnType<typeof setTimeout> | null = null;
  const View = doc.defaultView?.MutationObserver;
  // Only the page's own changes count: the tip and the bubble are Sesame's.
  const observer = View
    ? new View((records) => {
        if (records.every(isOwnRecord)) return;
        if (settle !== null) clearTimeout(settle);
        settle = setTimeout(() => {
          settle = null;
          refresh();
        }, options.settleMs ?? 2000);
      })
    : null;

  const clear = (): void => {
    hideMarks();
    hideMarks = () => {};
    marks = [];
    tip?.hide();
    shown = null;
  };

  const refresh = (): void => {
    scanning?.abort();
    if (!options.enabled()) {
      observer?.disconnect();
      clear();
      return;
    }
    observer?.observe(doc.documentElement, { childList: true, subtree: true, characterData: true });
    const abort = new AbortController();
    scanning = abort;
    void options
      .loadWords()
      .then((entries) =>
        scanKnownWords(doc.body ?? doc.documentElement, knownIndex(entries), { inflections: options.inflections(), ...options.limits }, abort.signal),
      )
      .then(({ marks: found, stats }) => {
        if (abort.signal.aborted) return;
        clear();
        marks = found;
        if (found.length > 0) hideMarks = showMarks(doc, found);
        options.onScanned?.(stats);
      })
      .catch(() => undefined);
  };

  const showTipAt = (x: number, y: number): void => {
    const at = marks.length ? textAtPoint(doc, x, y) : null;
    const mark = at ? markAt(marks, at.node, at.index) : null;
    if (mark === shown) return;
    shown = mark;
    if (!mark) {
      tip?.hide();
      return;
    }
    const rect = mark.range.getBoundingClientRect();
    tip ??= mountKnownTip(doc, { open: options.openShadowRoot === true });
    tip.show(t('known_word_saved', { sense: savedSense(mark.word) }), rect);
  };

  const onMouseMove = (event: MouseEvent): void => {
    if (!trusted(event) || marks.length === 0) return;
    if (timer !== null) clearTimeout(timer);
    const { clientX: x, clientY: y } = event;
    timer = setTimeout(() => {
      timer = null;
      showTipAt(x, y);
    }, options.restMs ?? 150);
  };
  const onScroll = (): void => {
    shown = null;
    tip?.hide();
  };

  doc.addEventListener('mousemove', onMouseMove, { capture: true, passive: true });
  doc.addEventListener('scroll', onScroll, { capture: true, passive: true });
  refresh();
  return {
    refresh,
    detach() {
      observer?.disconnect();
      if (settle !== null) clearTimeout(settle);
      scanning?.abort();
      if (timer !== null) clearTimeout(timer);
      clear();
      tip?.remove();
      doc.removeEventListener('mousemove', onMouseMove, { capture: true });
      doc.removeEventListener('scroll', onScroll, { capture: true });
    },
  };
}

const OWN = 'sesame-bubble,sesame-ghost,sesame-known-tip,sesame-notice';

/** A change Sesame made itself (its bubble, ghost or tip coming or going, or changing inside). */
function isOwnRecord(r: MutationRecord): boolean {
  const el = r.target.nodeType === Node.ELEMENT_NODE ? (r.target as Element) : r.target.parentElement;
  if (el?.closest(OWN)) return true;
  const nodes = [...r.addedNodes, ...r.removedNodes];
  return nodes.length > 0 && nodes.every((n) => n.nodeType === Node.ELEMENT_NODE && (n as Element).matches(OWN));
}
