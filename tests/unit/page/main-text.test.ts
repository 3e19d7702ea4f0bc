// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { mainTextReplyFor } from '@/models/page/article';
import { extractMainText } from '@/models/page/main-text';
import { contentMessage, LIMITS, mainTextReply, parse } from '@/models/shared/protocol';

afterEach(() => {
  document.body.innerHTML = '';
});

const P1 = 'The river rose slowly through the night and by morning the lower fields were under water.';
const P2 = 'Farmers moved their cattle to the hills while the village school opened its doors to families.';
const P3 = 'By the third day the water began to fall, leaving a thick layer of mud across the valley roads.';

function page(html: string): Document {
  document.body.innerHTML = html;
  return document;
}

const CHROME = `
  <header><p>Daily Valley News — your trusted local source since 1901</p></header>
  <nav><p><a href="/">Home</a> <a href="/w">World</a> <a href="/s">Sport and everything else</a></p></nav>
  <aside><p>Related stories: a longer sidebar paragraph that should never be chosen as text.</p>
    <ul><li><a href="/1">Storm warning issued for the coast</a></li></ul></aside>
  <footer><p>Copyright 2024 Daily Valley News. All rights reserved worldwide.</p></footer>`;

describe('main text', () => {
  it('takes the article’s paragraphs, not the navigation, sidebar or footer', () => {
    const doc = page(`${CHROME}<article><h1>Flood</h1><p>${P1}</p><p>${P2}</p><p>${P3}</p></article>`);
    expect(extractMainText(doc)).toEqual({ text: [P1, P2, P3].join('\n\n'), truncated: false });
  });

  it('without an <article>, picks the block whose paragraphs hold the most text', () => {
    const doc = page(`${CHROME}<div id="teaser"><p>${P1}</p></div><div id="story"><p>${P2}</p><p>${P3}</p><p>${P1}</p></div>`);
    expect(extractMainText(doc)?.text).toBe([P2, P3, P1].join('\n\n'));
  });

  it('keeps the sections of one story together through their common parent', () => {
    const doc = page(`<div id="content"><section><p>${P1}</p></section><section><p>${P2}</p></section><section><p>${P3}</p></section></div>`);
    expect(extractMainText(doc)?.text).toBe([P1, P2, P3].join('\n\n'));
  });

  it('skips link-dense paragraphs and blocks, short lines and scripts', () => {
    const links = Array.from({ length: 8 }, (_, i) => `<a href="/${i}">A rather long headline number ${i}</a>`).join(' ');
    const doc = page(`<div id="links"><p>${links}</p><p>${links}</p></div><div><p>Short line.</p><p>${P1}</p><script>var p = "${P2}";</script></div>`);
    expect(extractMainText(doc)?.text).toBe(P1);
  });

  it('collapses whitespace inside a paragraph', () => {
    const doc = page(`<main><p>  The   river\n rose <b>slowly</b> through the night.  </p></main>`);
    expect(extractMainText(doc)?.text).toBe('The river rose slowly through the night.');
  });

  it('works for Chinese paragraphs', () => {
    const zh = '他拿起手机给妈妈打电话，告诉她自己已经到家了，明天还要早起上班。';
    const doc = page(`<nav><p><a href="/">首页</a></p></nav><article><p>${zh}</p><p>${zh}</p></article>`);
    expect(extractMainText(doc)?.text).toBe(`${zh}\n\n${zh}`);
  });

  it('cuts a long text at a paragraph break and says it was truncated', () => {
    const doc = page(`<article>${Array.from({ length: 10 }, () => `<p>${P1}</p>`).join('')}</article>`);
    const limit = P1.length * 3 + 10;
    const out = extractMainText(doc, limit)!;
    expect(out).toEqual({ text: [P1, P1, P1].join('\n\n'), truncated: true });
    expect(out.text.length).toBeLessThanOrEqual(limit);
  });

  it('falls back to a word boundary when one paragraph is longer than the limit', () => {
    const doc = page(`<article><p>${P1}</p></article>`);
    const out = extractMainText(doc, 40)!;
    expect(out.truncated).toBe(true);
    expect(out.text.length).toBeLessThanOrEqual(40);
    expect(P1.startsWith(out.text)).toBe(true);
    expect(P1[out.text.length]).toBe(' ');
  });

  it('is null when the page has no paragraph text', () => {
    expect(extractMainText(page(`<nav><p><a href="/">Home</a></p></nav><div>Hello</div>`))).toBeNull();
  });
});

describe('the mainText content message', () => {
  it('is answered with the text and the page URL, or none', () => {
    const reply = mainTextReplyFor(page(`<article><p>${P1}</p></article>`), 'https://example.com/story');
    expect(reply).toEqual({ kind: 'mainText', text: P1, truncated: false, url: 'https://example.com/story' });
    expect(parse(mainTextReply, reply).ok).toBe(true);
    expect(mainTextReplyFor(page('<div>Hello</div>'), 'https://example.com/')).toEqual({ kind: 'none' });
    expect(parse(contentMessage, { kind: 'mainText' }).ok).toBe(true);
  });

  it('rejects malformed replies', () => {
    expect(parse(mainTextReply, { kind: 'mainText', text: '', truncated: false, url: 'x' }).ok).toBe(false);
    expect(parse(mainTextReply, { kind: 'mainText', text: 'x'.repeat(LIMITS.articleChars + 1), truncated: true, url: 'x' }).ok).toBe(false);
    expect(parse(mainTextReply, { kind: 'mainText', text: 'hi', url: 'x' }).ok).toBe(false);
    expect(parse(contentMessage, { kind: 'mainText', extra: 1 }).ok).toBe(false);
  });
});
