// Incremental detokenisation. Byte-level BPE pieces can split a multi-byte character (Chinese,
// emoji); decoding such a prefix yields U+FFFD. We hold text back until it decodes cleanly, so
// the UI never shows a broken character.

export class StreamDecoder {
  private ids: number[] = [];
  private emitted = 0;

  constructor(private readonly decode: (ids: number[]) => string) {}

  /** Adds tokens; returns the newly complete text (possibly empty). */
  push(...ids: number[]): string {
    this.ids.push(...ids);
    const text = this.decode(this.ids);
    let stable = text.length;
    // Hold back a trailing replacement character (an incomplete UTF-8 sequence) and a lone high surrogate.
    while (stable > this.emitted && text.charCodeAt(stable - 1) === 0xfffd) stable--;
    if (stable > 0 && /[\uD800-\uDBFF]/.test(text[stable - 1]!)) stable--;
    if (stable <= this.emitted) return '';
    const delta = text.slice(this.emitted, stable);
    this.emitted = stable;
    return delta;
  }

  /** All text so far, complete characters only. */
  get text(): string {
    return this.decode(this.ids).slice(0, this.emitted);
  }
}
