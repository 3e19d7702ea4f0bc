// Offscreen document: hosts the models. Accepts one kind of connection, from the background.
import { browser } from 'wxt/browser';
import { HostGate, type HostPort } from '@/models/host/gate';
import { createBrowserHost, kernelThreads } from '@/models/host/runtime';
import { span } from '@/models/shared/spans';

span('host:module');

const gate: HostGate = new HostGate({
  extensionId: browser.runtime.id,
  backgroundUrl: browser.runtime.getURL('/background.js'),
  handle: (message, send) => void host.then((h) => h.handle(message, send)),
  log: (reason) => console.warn('Sesame host:', reason),
});
const spawnKernelThread = () => new Worker(new URL('./gemv-worker.ts', import.meta.url), { type: 'module' });
const host = createBrowserHost(
  'offscreen',
  () => gate.rejected,
  () => kernelThreads(spawnKernelThread),
);

browser.runtime.onConnect.addListener((port) => gate.accept(port as unknown as HostPort));
