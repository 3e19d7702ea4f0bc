// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { captureWithOccurrences, prefilterOf, scanOccurrences } from '@/models/page/occurrence-scan';
import type { Capture } from '@/models/shared/protocol';

afterEach(() => {
  document.body.innerHTML = '';
});

function page(html: string): HTMLElement {
  document.body.innerHTML = html;
  return document.body;
}

/** A range over the n-th occurrence of `text` in the body's text nodes. */
function rangeOver(text: string, nth = 0): Range {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let seen = 0;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    let at = n.textContent!.indexOf(text);
    while (at >= 0) {
      if (seen++ === nth) {
        const r = document.createRange();
        r.setStart(n, at);
        r.setEnd(n, at + text.length);
        return r;
      }
      at = n.textContent!.indexOf(text, at + 1);
    }
  }
  throw new Error(`${text} #${nth} not found`);
}

const BANK = `
  <h1>Banks and rivers</h1>
  <p>She went to the <b>bank</b> to deposit her salary. The bank raised its rates.</p>
  <p>We sat on the grassy bank of the river. Fish hid under the muddy banks.</p>
  <script>var bank = 1;</script>
  <p>He is banking on a loan. A bankrupt firm cannot borrow.</p>
  <textarea>bank in a field</textarea>`;

describe('scanning the page for uses of a word', () => {
  it('finds whole words with inflections, skips scripts and fields, and gives exact ranges', () => {
    const body = page(BANK);
    const found = scanOccurrences(body, 'bank', rangeOver('bank', 2), { lang: 'en' });
    expect(found.spans.map((s) => s.text.slice(s.start, s.end))).toEqual(['Banks', 'bank', 'bank', 'bank', 'banks', 'banking']);
    expect(found.ranges.map((r) => r?.toString())).toEqual(['Banks', 'bank', 'bank', 'bank', 'banks', 'banking']);
    expect(found.spans[1]!.text).toBe('She went to the bank to deposit her salary.');
    expect(found.selected).toBe(3);
    expect(found.partial).toBe(false);
  });

  it('matches only the exact form when inflections are off', () => {
    const found = scanOccurrences(page(BANK), 'bank', null, { lang: 'en', inflections: false });
    expect(found.spans).toHaveLength(3);
    expect(found.selected).toBeUndefined();
  });

  it('matches Chinese by segmented word, not by substring', () => {
    const body = page('<p>我今天去银行存钱。这家银行很大。</p><p>他在路上行走。</p>');
    const found = scanOccurrences(body, '银行', rangeOver('银行', 1), { lang: 'zh' });
    expect(found.spans.map((s) => s.text.slice(s.start, s.end))).toEqual(['银行', '银行']);
    expect(found.selected).toBe(1);
    const walk = scanOccurrences(body, '行', null, { lang: 'zh' });
    expect(walk.spans).toHaveLength(0);
  });

  it('stops when the time budget is spent and says so', () => {
    const body = page(Array.from({ length: 50 }, (_, i) => `<p>Bank number ${i}.</p>`).join(''));
    let t = 0;
    const found = scanOccurrences(body, 'bank', null, { lang: 'en', budgetMs: 10, now: () => (t += 1) });
    expect(found.partial).toBe(true);
    expect(found.spans.length).toBeGreaterThan(0);
    expect(found.spans.length).toBeLessThan(50);
    const capped = scanOccurrences(body, 'bank', null, { lang: 'en', limit: 7 });
    expect(capped.spans).toHaveLength(7);
    expect(capped.partial).toBe(true);
  });

  it('prefilters on a stem every inflected form contains', () => {
    expect(prefilterOf('banking', 'en', true)).toBe('bank');
    expect(prefilterOf('studies', 'en', true)).toBe('stud');
    expect(prefilterOf('Bank', 'en', false)).toBe('bank');
    expect(prefilterOf('银行', 'zh', true)).toBe('银行');
  });
});

describe('a capture with its word’s occurrences', () => {
  const capture = (text: string, start: number, end: number): Capture => ({
    text,
    start,
    end,
    sentenceStart: 0,
    sentenceEnd: text.length,
    truncated: false,
    url: 'http://127.0.0.1/',
  });

  it('adds the uses and marks the selected one', () => {
    const body = page(BANK);
    const text = 'We sat on the grassy bank of the river. Fish hid under the muddy banks.';
    const out = captureWithOccurrences(capture(text, 21, 25), body, rangeOver('bank', 2), {});
    expect(out.capture.occurrences).toHaveLength(6);
    expect(out.capture.selected).toBe(3);
    expect(out.ranges).toHaveLength(6);
  });

  it('puts a selection the scan cannot see (a text field) first', () => {
    const body = page(BANK);
    const out = captureWithOccurrences(capture('bank in a field', 0, 4), body, null, {});
    expect(out.capture.selected).toBe(0);
    expect(out.capture.occurrences![0]).toEqual({ text: 'bank in a field', start: 0, end: 4 });
    expect(out.capture.occurrences).toHaveLength(7);
    expect(out.ranges[0]).toBeNull();
  });

  it('leaves passages alone', () => {
    const body = page(BANK);
    const text = 'She went to the bank to deposit her salary.';
    const out = captureWithOccurrences(capture(text, 0, text.length), body, null, {});
    expect(out.capture.occurrences).toBeUndefined();
    expect(out.ranges).toEqual([]);
  });
});
