import { useEffect, useRef } from 'preact/hooks';
import { t } from '@/models/shared/i18n';
import type { OccurrenceSpan } from '@/models/shared/protocol';
import type { StepKey } from './frame-protocol';
import { Notice, type ToolState, ToolStateView } from '../result/ResultView';
import type { SenseViewProps } from '../result/SenseView';
import { type SpeechData, speakerOf } from '../result/speak';

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
  /** What the speak buttons speak (data: the frame builds its speaker from it). */
  speech?: SpeechData | undefined;
  /** Opened from the keyboard (shortcut, menu): take focus, and give it back on close. */
  focusOnOpen?: boolean | undefined;
  /** Modifier+← / → pressed in the bubble (hover lookups only): the content script steps to the next / previous word. */
  onStepKey?: ((key: StepKey) => void) | undefined;
  onClose: () => void;
}

/** What the bubble's frame renders: the content script places the frame at the anchor and gives the room there. */
export type BubbleViewProps = Omit<BubbleProps, 'anchor'> & { maxWidth: number; maxHeight: number };

/** The result bubble, rendered in its own extension-origin frame (entrypoints/bubble/). Esc or ✕ closes it. */
export function Bubble({
  title,
  state,
  notice,
  status,
  maxWidth,
  maxHeight,
  onPractice,
  occurrences,
  onReveal,
  onSave,
  reading,
  speech,
  focusOnOpen,
  onClose,
}: BubbleViewProps) {
  const ref = useRef<HTMLDivElement>(null);
  // Opened from the keyboard: focus into the bubble (the content script focuses its frame, and gives focus back to the page on close).
  useEffect(() => {
    if (focusOnOpen) ref.current?.focus();
  }, [focusOnOpen]);
  useEffect(() => {
    // On the key's press: the bubble is hidden at once; its frame leaves the page only once the key
    // is released (mount-bubble.tsx, retire).
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose]);
  return (
    <div
      ref={ref}
      class="bubble"
      role="dialog"
      aria-label={title}
      style={{ maxWidth: `${maxWidth}px`, maxHeight: `${maxHeight}px` }}
      tabIndex={-1}
      data-testid="bubble"
    >
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
        speech={speech && speakerOf(speech)}
        compact
      />
    </div>
  );
}

/** The bubble's widest: 380 px, at most 90 % of the viewport. */
export function bubbleMaxWidth(width: number): number {
  return Math.min(380, Math.floor(width * 0.9));
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
