// Content script entry: where it runs; the body is models/page/content-script.ts.
import { startContentScript } from '@/models/page/content-script';

export default defineContentScript({
  matches: ['<all_urls>'],
  allFrames: true,
  // Also frames without an origin of their own (about:blank, srcdoc), e.g. editors and embeds.
  matchAboutBlank: true,
  matchOriginAsFallback: true,
  runAt: 'document_idle',
  main(ctx) {
    startContentScript(ctx);
  },
});
