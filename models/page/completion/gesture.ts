// Only the user starts a completion: a field's text change counts as typing only when it is a
// trusted event that follows a trusted key, pointer or composition event in that same field
// shortly before. A page's own script can fire trusted input events (`execCommand('insertText')`)
// but cannot fake the key or pointer event before them.

/** How long after a key or pointer event the field's change still counts as the user's. */
export const GESTURE_WINDOW_MS = 1000;

/** Event types that only a person (or the browser on their behalf) makes trusted. */
export const GESTURE_EVENTS = ['keydown', 'pointerdown', 'mousedown', 'compositionstart', 'compositionend'] as const;

export class GestureTracker {
  private last: { target: Node; at: number } | null = null;

  constructor(
    private readonly now: () => number,
    private readonly windowMs = GESTURE_WINDOW_MS,
  ) {}

  /** A trusted key, pointer or composition event happened at `target`. */
  note(target: Node | null): void {
    if (target) this.last = { target, at: this.now() };
  }

  /** Whether the user's last gesture was in `field` within the window. */
  recentIn(field: Node): boolean {
    const last = this.last;
    return !!last && this.now() - last.at <= this.windowMs && (field === last.target || field.contains(last.target));
  }
}
