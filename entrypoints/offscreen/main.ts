// Offscreen document: hosts the models. Accepts one kind of connection, from the background.
import { browser } from 'wxt/browser';
import { createBrowserHost } from '@/models/host/runtime';
import { HOST_PORT, hostMessage, parse } from '@/models/protocol';

const host = createBrowserHost('offscreen');
const backgroundUrl = browser.runtime.getURL('/background.js');

browser.runtime.onConnect.addListener((port) => {
  if (port.name !== HOST_PORT) return;
  if (port.sender?.id !== browser.runtime.id || port.sender?.url !== backgroundUrl) {
    console.warn('Sesame host: rejected connection from', port.sender?.url);
    port.disconnect();
    return;
  }
  port.onMessage.addListener((raw: unknown) => {
    const parsed = parse(hostMessage, raw);
    if (!parsed.ok) {
      console.warn('Sesame host: rejected message:', parsed.reason);
      return;
    }
    void host.then((h) =>
      h.handle(parsed.value, (message) => {
        try {
          port.postMessage(message);
        } catch {
          // background went away; it cancels on reconnect
        }
      }),
    );
  });
});
