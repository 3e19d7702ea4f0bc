// What the content script and the bubble's frame (an extension page, entrypoints/bubble/) say to
// each other. They talk over one runtime port opened to the tab's content scripts with
// `tabs.connect`, which only extension pages can call: by the frame itself (Chrome), or by the
// background for it (Firefox gives frames inside web pages no `tabs`: models/background/bubble-relay.ts).
// Page script can neither send on it nor read it; `window.postMessage` is never used. Each side
// checks what it receives here.
import { arrayOf, bool, type Check, literal, num, object, optional, str, tagged, ValidationError } from '@/models/shared/validate';
import { BUBBLE_PORT_PREFIX, LIMITS, lang } from '@/models/shared/protocol';
import type { BubbleProps } from './Bubble';

export const BUBBLE_PAGE = '/bubble.html';

/**
 * The bubble's callbacks, which the frame asks the content script to run. A new callback prop of
 * the bubble goes here (and, when it takes arguments, into `call` below).
 */
export const BUBBLE_CALLBACKS = ['onClose', 'onPractice', 'onReveal', 'onSave', 'onStepKey'] as const;
export type BubbleCallback = (typeof BUBBLE_CALLBACKS)[number];

/** The props the frame renders: the bubble's data, without callbacks or the anchor (the content script places the frame). */
export type FrameProps = Omit<BubbleProps, BubbleCallback | 'anchor'>;

/** The port's name for one bubble: the id pairs a frame with the bubble that made it (it is no secret). */
export function bubblePortName(id: string): string {
  return `${BUBBLE_PORT_PREFIX}${id}`;
}

export const bubbleId: Check<string> = str({ min: 8, max: 64, pattern: /^[a-z0-9-]+$/ });

export type ToFrame =
  | {
      kind: 'props';
      props: FrameProps;
      /** Which callbacks the bubble has now (the frame shows Save, Practice… only then). */
      callbacks: BubbleCallback[];
      /** The room the bubble has on the page, in CSS pixels. */
      maxWidth: number;
      maxHeight: number;
    }
  /** A call's end; `value`: what it gave back (onSave: the saved word's id). */
  | { kind: 'done'; call: number; ok: boolean; value?: string | undefined };

/** A modifier+arrow press in the frame, forwarded for hover stepping (the content script checks the modifier). */
export interface StepKey {
  key: 'ArrowLeft' | 'ArrowRight';
  shiftKey: boolean;
  altKey: boolean;
  ctrlKey: boolean;
}

export type FromFrame =
  | { kind: 'size'; width: number; height: number }
  /**
   * After the bubble asked to close: no key is held down in the frame any more (the key that closed
   * it has been released there, or it closed on a click), so nothing is on its way to the frame.
   */
  | { kind: 'released' }
  | { kind: 'call'; call: number; name: BubbleCallback; index?: number | undefined; key?: StepKey | undefined };

const callback = literal(...BUBBLE_CALLBACKS);
const spokenData = object({ word: str({ max: LIMITS.occurrenceChars }), sentence: str({ max: LIMITS.occurrenceChars }), lang });
const px = num({ min: 0, max: 100_000 });

/** Checked by the frame: the envelope, the callbacks and sizes; the props are rendered as text only. */
export const toFrame: Check<ToFrame> = tagged(
  {
    props: (v, path) => {
      const envelope = object({
        kind: literal('props'),
        props: (p, at) => {
          if (typeof p !== 'object' || p === null) throw new ValidationError(at, 'expected an object');
          return p as FrameProps;
        },
        callbacks: arrayOf(callback, { max: BUBBLE_CALLBACKS.length }),
        maxWidth: px,
        maxHeight: px,
      })(v, path);
      str({ max: 200 })(envelope.props.title, `${path}.props.title`);
      // What the bubble says beside its result (say): text.
      optional(str({ max: 2000 }))(envelope.props.status, `${path}.props.status`);
      // The speak buttons' data goes into requests the frame sends: checked here (the router checks them again).
      const speech = (envelope.props as { speech?: unknown }).speech;
      if (speech !== undefined) spokenData(speech, `${path}.props.speech`);
      return envelope as ToFrame;
    },
    done: object({ kind: literal('done'), call: num({ int: true, min: 0 }), ok: bool, value: optional(str({ max: 200 })) }),
  },
  'kind',
) as Check<ToFrame>;

/** Checked by the content script: only these messages, with bounded numbers. */
export const fromFrame: Check<FromFrame> = tagged(
  {
    size: object({ kind: literal('size'), width: px, height: px }),
    released: object({ kind: literal('released') }),
    call: object({
      kind: literal('call'),
      call: num({ int: true, min: 0 }),
      name: callback,
      index: optional(num({ int: true, min: 0, max: 1_000_000 })),
      key: optional(object({ key: literal('ArrowLeft', 'ArrowRight'), shiftKey: bool, altKey: bool, ctrlKey: bool })),
    }),
  },
  'kind',
) as Check<FromFrame>;
