// The bubble's frame (a web-accessible extension page the content script puts on the page): it
// connects to the content scripts of its own tab under the id it was given, and renders the bubble.
// Chrome lets the frame open that port itself; Firefox gives a frame inside a web page no `tabs`,
// so there the background opens it (models/background/bubble-relay.ts).
import { browser } from 'wxt/browser';
import { runBubbleFrame } from '@/components/bubble/BubbleFrame';
import { FRAME_CSS } from '@/components/bubble/frame-styles';
import { bubbleId, bubblePortName } from '@/components/bubble/frame-protocol';
import { applyUiLanguage } from '@/components/common/ui-language';
import { setConnector } from '@/models/shared/client';
import type { PortLike } from '@/models/shared/port';
import { parse } from '@/models/shared/protocol';
import { span } from '@/models/shared/spans';

// Marks on the frame's own timeline (an extension page: the page cannot read it).
span('bubble:module');

// The frame is an extension page: its speak and Anki requests go to the background as the popup's do.
setConnector((name) => browser.runtime.connect({ name }) as unknown as PortLike);

const sheet = new CSSStyleSheet();
sheet.replaceSync(FRAME_CSS);
document.adoptedStyleSheets = [sheet];

const id = parse(bubbleId, new URLSearchParams(location.search).get('id'));
async function connect(name: string): Promise<PortLike | null> {
  if (!browser.tabs?.connect) return browser.runtime.connect({ name }) as unknown as PortLike;
  const tab = await browser.tabs.getCurrent();
  return tab?.id === undefined ? null : (browser.tabs.connect(tab.id, { name }) as unknown as PortLike);
}

void (async () => {
  if (!id.ok) return;
  await applyUiLanguage();
  span('bubble:language');
  const port = await connect(bubblePortName(id.value));
  span('bubble:connected');
  if (port) runBubbleFrame(port);
})();
