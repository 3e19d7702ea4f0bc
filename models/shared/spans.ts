// Named points on the cold path (issue #21): `performance.mark('sesame:<name>')` in whichever
// context runs it (content script, background, model host), so DevTools' performance panel and
// the bench (`npm run bench -- --latency`, which reads them over the DevTools protocol) see where a
// double-click's time goes. Marks hold no page text, only names. A context marks at most
// MAX_MARKS of them; the oldest are dropped past that, so a long-lived host does not grow.
// A web page shares its document's timeline with the content script, so there marks would tell
// the page that Sesame is installed and when it was used: the content script turns them off
// (markSpans), and on only for the bench (settings.testing.pageMarks).
export const MARK_PREFIX = 'sesame:';
export const MAX_MARKS = 200;

interface MarkTimeline {
  mark(name: string): unknown;
  clearMarks(name?: string): void;
  getEntriesByType(type: 'mark'): readonly { name: string }[];
}

let made = 0;
let marking = true;

/** Turns this context's marks on or off (off in a web page's content script, unless testing). */
export function markSpans(on: boolean): void {
  marking = on;
}

/** Marks `name` now; a no-op where there is no performance timeline. */
export function span(name: string, timeline: MarkTimeline | undefined = globalThis.performance as MarkTimeline | undefined): void {
  if (!marking || typeof timeline?.mark !== 'function') return;
  try {
    if (++made > MAX_MARKS) {
      // Drop the oldest half of ours (a name at a time: clearMarks clears every mark of a name).
      const ours = timeline.getEntriesByType('mark').filter((m) => m.name.startsWith(MARK_PREFIX));
      for (const name of new Set(ours.slice(0, ours.length >> 1).map((m) => m.name))) timeline.clearMarks(name);
      made = timeline.getEntriesByType('mark').filter((m) => m.name.startsWith(MARK_PREFIX)).length + 1;
    }
    timeline.mark(`${MARK_PREFIX}${name}`);
  } catch {
    // a timeline that refuses marks costs nothing
  }
}
