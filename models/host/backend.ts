// Which execution backend the model host uses: WebGPU when the browser gives an adapter and
// a device, WASM otherwise. Whatever is chosen, the reason is kept so the UI can say it.
import type { Backend } from '../shared/protocol';

export interface BackendChoice {
  backend: Backend;
  adapter: boolean;
  note?: string;
}

export interface GpuLike {
  requestAdapter(): Promise<{ requestDevice(): Promise<{ destroy?(): void }> } | null>;
}

export async function chooseBackend(gpu: GpuLike | undefined, prefer: 'auto' | 'wasm' | 'webgpu'): Promise<BackendChoice> {
  if (prefer === 'wasm') return { backend: 'wasm', adapter: false, note: 'WASM chosen in settings' };
  if (!gpu) return { backend: 'wasm', adapter: false, note: 'WebGPU is not available in this browser; using WASM' };
  let adapter: Awaited<ReturnType<GpuLike['requestAdapter']>>;
  try {
    adapter = await gpu.requestAdapter();
  } catch (error) {
    return { backend: 'wasm', adapter: false, note: `WebGPU adapter request failed (${describe(error)}); using WASM` };
  }
  if (!adapter) return { backend: 'wasm', adapter: false, note: 'No WebGPU adapter on this device; using WASM' };
  try {
    const device = await adapter.requestDevice();
    device.destroy?.();
  } catch (error) {
    return { backend: 'wasm', adapter: true, note: `WebGPU device request failed (${describe(error)}); using WASM` };
  }
  return { backend: 'webgpu', adapter: true };
}

/** After WebGPU failed at load or run time, the host switches to WASM and says why. */
export function fallBackToWasm(choice: BackendChoice, error: unknown): BackendChoice {
  return { backend: 'wasm', adapter: choice.adapter, note: `WebGPU failed (${describe(error)}); switched to WASM` };
}

/** Whether a model load failed because of the GPU (lost device, adapter, WebGPU execution provider), not the model. */
export function looksLikeGpuFault(error: unknown): boolean {
  return /webgpu|\bgpu|device (was |is )?lost|adapter|jsep/i.test(describe(error));
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}
