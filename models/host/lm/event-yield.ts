// Yielding to the host document's event loop between pieces of model work. On the WASM backend
// inference runs on this thread and its promises settle as microtasks, so without a real task
// boundary nothing else runs until a whole request is done: not a cancel arriving, and not the
// port messages a tool has posted (seen in Chromium: a sense update posted before the next forward
// pass reached the background only after that pass; `npm run bench -- --latency`'s timelines).
/**
 * Lets queued tasks run: messages in and out, a cancel among them. (Not scheduler.yield(): its
 * continuations go before other tasks, so the messages would still wait.) One channel serves a
 * whole request: a fresh MessagePort per token costs ~10× a message on a reused one (Node:
 * 20–45 µs against 2–4 µs).
 */
export class EventYield {
  private readonly channel = new MessageChannel();
  private waiting: (() => void) | null = null;

  constructor() {
    this.channel.port1.onmessage = () => {
      const resume = this.waiting;
      this.waiting = null;
      resume?.();
    };
  }

  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.channel.port2.postMessage(null);
    });
  }

  close(): void {
    this.channel.port1.close();
    this.channel.port2.close();
  }
}
