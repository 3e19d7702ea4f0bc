// A Response over bytes already in memory that hands them out without copying them (issue #21).
// `new Response(bytes)` copies its body, and reading it copies again: for a rewritten model graph
// (~90 MB for bert-base q8) served from memory to transformers.js, that was two or three copies
// per load, each 0.4–0.7 s on a loaded two-core machine. Here the body stream yields the very
// bytes in one chunk (transformers.js copies them once into its own buffer), and arrayBuffer()
// gives their buffer when they fill it (a copy otherwise). Read once, like any Response.
export class BytesResponse extends Response {
  private stream: ReadableStream<Uint8Array<ArrayBuffer>> | undefined;
  private used = false;

  constructor(
    private readonly held: Uint8Array<ArrayBuffer>,
    init: ResponseInit,
  ) {
    super(null, init);
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> {
    if (!this.stream) {
      const bytes = this.take();
      this.stream = new ReadableStream<Uint8Array<ArrayBuffer>>({
        start(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      });
    }
    return this.stream;
  }

  override get bodyUsed(): boolean {
    return this.used;
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.take();
    return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.take();
  }

  private take(): Uint8Array<ArrayBuffer> {
    if (this.used) throw new TypeError('Body has already been consumed.');
    this.used = true;
    return this.held;
  }
}
