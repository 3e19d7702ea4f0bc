// Offscreen document: hosts the models. Accepts one kind of connection, from the background.
import { browser } from 'wxt/browser';
import { HostGate, type HostPort } from '@/models/host/gate';
import { createBrowserHost } from '@/models/host/runtime';

const gate: HostGate = new HostGate({
  extensionId: browser.runtime.id,
  backgroundUrl: browser.runtime.getURL('/background.js'),
  handle: (message, send) => void host.then((h) => h.handle(message, send)),
  log: (reason) => console.warn('Sesame host:', reason),
});
const host = createBrowserHost('offscreen', () => gate.rejected);

browser.runtime.onConnect.addListener((port) => gate.accept(port as unknown as HostPort));
