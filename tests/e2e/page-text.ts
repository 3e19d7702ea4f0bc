// In-page helpers shared by both e2e drivers (harness.ts over playwright-core, journeys.ts over the
// driver interface): plain functions with no imports or outer names, because each browser driver
// serialises them into the page.

/** The viewport centre of the first `word` in the element matching `selector`, scrolled into view if needed. */
export function wordCentreInPage({ selector, word }: { selector: string; word: string }): { x: number; y: number } {
  const el = document.querySelector(selector)!;
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent!.indexOf(word);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + word.length);
    let r = range.getBoundingClientRect();
    // A pointer cannot reach outside the viewport (WebDriver refuses it): bring the word into view first.
    if (r.top < 0 || r.bottom > innerHeight) {
      el.scrollIntoView({ block: 'center' });
      r = range.getBoundingClientRect();
    }
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  }
  throw new Error(`word ${word} not found`);
}

/** Selects `text` (a substring of the element's text) programmatically. */
export function selectTextInPage({ selector, text }: { selector: string; text: string }): void {
  const el = document.querySelector(selector)!;
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent!.indexOf(text);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + text.length);
    getSelection()!.removeAllRanges();
    getSelection()!.addRange(range);
    return;
  }
  throw new Error(`text ${text} not found`);
}
