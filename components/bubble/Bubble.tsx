import { useEffect, useRef } from 'preact/hooks';
import { t } from '@/models/shared/i18n';
import type { OccurrenceSpan } from '@/models/shared/protocol';
import { Notice, type ToolState, ToolStateView } from '../result/ResultView';
import type { SenseViewProps } from '../result/SenseView';

export interface BubbleProps {
  title: string;
  state: ToolState;
  notice?: string | undefined;
  /** What the bubble has to say beside its result (the speak shortcut found no voice …): text, announced. */
  status?: string | undefined;
  /** The selection's box: left edge, bottom, and top (defaults to bottom). */
  anchor: { x: number; y: number; top?: number };
  /** Offered with a cloze result: opens the practice page on the passage. */
  onPractice?: (() => void) | undefined;
  /** The word's uses on the page (sense lookups), and how to scroll to one. */
  occurrences?: OccurrenceSpan[] | undefined;
  onReveal?: ((index: number) => void) | undefined;
  onSave?: SenseViewProps['onSave'];
  reading?: SenseViewProps['reading'];
  speech?: SenseViewProps['speech'];
  /** Opened from the keyboard (shortcut, menu): take focus, and give it back on close. */
  focusOnOpen?: boolean | undefined;
  onClose: () => void;
}

/** The on-page result bubble (rendered inside a shadow root). Esc or ✕ closes it. */
export function Bubble({
  title,
  state,
  notice,
  status,
  anchor,
  onPractice,
  occurrences,
  onReveal,
  onSave,
  reading,
  speech,
  focusOnOpen,
  onClose,
}: BubbleProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!focusOnOpen) return;
    const previous = document.activeElement;
    ref.current?.focus();
    return () => {
      if (previous instanceof HTMLElement && previous.isConnected) previous.focus();
    };
  }, [focusOnOpen]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose]);
  const place = bubblePlacement(anchor, window.innerWidth, window.innerHeight);
  return (
    <div ref={ref} class="bubble" role="dialog" aria-label={title} style={place} tabIndex={-1} data-testid="bubble">
      <div class="bar">
        <span class="title">{title}</span>
        <button type="button" aria-label={t('close')} onClick={onClose}>
          ✕
        </button>
      </div>
      <Notice text={notice} />
      {status ? (
        <p class="notice" role="status" data-testid="bubble-status">
          {status}
        </p>
      ) : null}
      <ToolStateView
        state={state}
        onPractice={onPractice}
        occurrences={occurrences}
        onReveal={onReveal}
        onSave={onSave}
        reading={reading}
        speech={speech}
        compact
      />
    </div>
  );
}

/**
 * Below the selection when there is room, else above it (whichever side has more space), never
 * off screen; the bubble scrolls inside the height it gets.
 */
export function bubblePlacement(anchor: BubbleProps['anchor'], width: number, height: number): Record<string, string> {
  const margin = 8;
  const bottom = Math.min(Math.max(anchor.y, 0), height);
  const top = Math.min(Math.max(anchor.top ?? anchor.y, 0), height);
  const below = height - bottom - 2 * margin;
  const above = top - 2 * margin;
  const left = `${Math.max(margin, Math.min(anchor.x, width - 388))}px`;
  if (below >= 240 || below >= above) return { left, top: `${bottom + margin}px`, maxHeight: `${Math.max(120, below)}px` };
  return { left, bottom: `${height - top + margin}px`, maxHeight: `${above}px` };
}
