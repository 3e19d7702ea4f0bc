import { useEffect, useRef } from 'preact/hooks';
import type { OccurrenceSpan } from '@/models/protocol';
import { Notice, type ToolState, ToolStateView } from './ResultView';

export interface BubbleProps {
  title: string;
  state: ToolState;
  notice?: string | undefined;
  anchor: { x: number; y: number };
  /** Offered with a cloze result: opens the practice page on the passage. */
  onPractice?: (() => void) | undefined;
  /** The word's uses on the page (sense lookups), and how to scroll to one. */
  occurrences?: OccurrenceSpan[] | undefined;
  onReveal?: ((index: number) => void) | undefined;
  onClose: () => void;
}

/** The on-page result bubble (rendered inside a shadow root). Esc or ✕ closes it. */
export function Bubble({ title, state, notice, anchor, onPractice, occurrences, onReveal, onClose }: BubbleProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose]);
  const left = Math.max(8, Math.min(anchor.x, window.innerWidth - 388));
  const top = Math.max(8, Math.min(anchor.y + 8, window.innerHeight - 120));
  return (
    <div ref={ref} class="bubble" role="dialog" aria-label={title} style={{ left: `${left}px`, top: `${top}px` }} data-testid="bubble">
      <div class="bar">
        <span class="title">{title}</span>
        <button type="button" aria-label="Close" onClick={onClose}>
          ✕
        </button>
      </div>
      <Notice text={notice} />
      <ToolStateView state={state} onPractice={onPractice} occurrences={occurrences} onReveal={onReveal} compact />
    </div>
  );
}
