// A fetch that gives up when a download stops making progress, so a stalled connection becomes
// a clear "download failed" instead of a request that never ends.

export function fetchWithStallTimeout(base: typeof fetch, stallMs: number): typeof fetch {
  return async (input, init) => {
    const controller = new AbortController();
    const stalled = () => controller.abort(new Error(`Download stalled: no data for ${Math.round(stallMs / 1000)} s`));
    init?.signal?.addEventListener('abort', () => controller.abort(init.signal?.reason));
    let timer = setTimeout(stalled, stallMs);
    const response = await base(input, { ...init, signal: controller.signal }).finally(() => clearTimeout(timer));
    if (!response.body) return response;
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(out) {
        timer = setTimeout(stalled, stallMs);
        try {
          const { done, value } = await reader.read();
          if (done) out.close();
          else out.enqueue(value);
        } catch (error) {
          out.error(controller.signal.aborted ? controller.signal.reason : error);
        } finally {
          clearTimeout(timer);
        }
      },
      cancel: (reason) => reader.cancel(reason),
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
