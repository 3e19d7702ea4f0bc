// The bubble's frame (a web-accessible extension page the content script puts on the page): it
// connects to the content scripts of its own tab under the id it was given, and renders the bubble.
import { browser } from 'wxt/browser';
import { runBubbleFrame } from '@/components/bubble/BubbleFrame';
import { FRAME_CSS } from '@/components/bubble/frame-styles';
import { bubbleId, bubblePortName } from '@/components/bubble/frame-protocol';
import { applyUiLanguage } from '@/components/common/ui-language';
import type { PortLike } from '@/models/shared/port';
import { parse } from '@/models/shared/protocol';

const sheet = new CSSStyleSheet();
sheet.replaceSync(FRAME_CSS);
document.adoptedStyleSheets = [sheet];

const id = parse(bubbleId, new URLSearchParams(location.search).get('id'));
void (async () => {
  const tab = await browser.tabs.getCurrent();
  if (!id.ok || tab?.id === undefined) return;
  await applyUiLanguage();
  runBubbleFrame(browser.tabs.connect(tab.id, { name: bubblePortName(id.value) }) as unknown as PortLike);
})();
