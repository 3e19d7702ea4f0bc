// @vitest-environment happy-dom
// The article for "Practise on this article" (models/page/article.ts): Mozilla's Readability on a
// clone of the page, read back as text block by block; the failure cases of the old extractor.
import { afterEach, describe, expect, it } from 'vitest';
import { blockText, cutAt, extractArticle, mainTextReplyFor } from '@/models/page/article';
import { passageIn } from '@/models/shared/practice/passage';
import { clientMessage, LIMITS, mainTextReply, parse } from '@/models/shared/protocol';
import { generatePage } from '../../support/article-pages';

afterEach(() => {
  document.head.innerHTML = '';
  document.body.innerHTML = '';
});

const P = [
  'The river rose slowly through the night and by morning the lower fields were under water.',
  'Farmers moved their cattle to the hills while the village school opened its doors to families.',
  'By the third day the water began to fall, leaving a thick layer of mud across the valley roads.',
  'Volunteers from nearby towns arrived with shovels, blankets and hot food for everyone who needed it.',
  'The council promised to rebuild the old stone bridge before the next winter storms could arrive.',
];

function page(html: string): Document {
  document.body.innerHTML = html;
  return document;
}

const CHROME_TOP = `<header><p>Daily Valley News — your trusted local source since 1901</p></header>
<nav><ul><li><a href="/">Home</a></li><li><a href="/w">World</a></li><li><a href="/s">Sport</a></li></ul></nav>`;
const CHROME_SIDE = `<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/1">Storm warning issued for the coast tonight</a></li>
<li><a href="/2">Championship final tickets sold out in minutes</a></li></ul></aside>
<footer><p>Copyright 2024 Daily Valley News. All rights reserved worldwide.</p></footer>`;

describe('the article', () => {
  it('is Readability’s article with its paragraphs kept apart', () => {
    const doc = page(`${CHROME_TOP}<article><h1>Flood</h1>${P.map((p) => `<p>${p}</p>`).join('')}</article>${CHROME_SIDE}`);
    const article = extractArticle(doc)!;
    expect(article.source).toBe('readability');
    expect(article.truncated).toBe(false);
    expect(article.text.split('\n\n').slice(-5)).toEqual(P);
    for (const chrome of ['Daily Valley', 'Most read', 'Storm warning', 'Copyright']) expect(article.text).not.toContain(chrome);
  });

  it('leaves out a <script> inside a paragraph', () => {
    const js = 'var tracker = { id: 12345, event: "paragraph-view" }; window.track && window.track(tracker);';
    const doc = page(`<article><p>${P[0]}</p><p>${P[1]} <script>${js}</script>${P[2]}</p><p>${P[3]}</p><p>${P[4]}</p></article>`);
    const text = extractArticle(doc)!.text;
    expect(text).not.toContain('tracker');
    expect(text).not.toContain('window');
    expect(text).toContain(`${P[1]} ${P[2]}`);
  });

  it('includes lists and tables, an item or a row a line', () => {
    const doc = page(`<div id="content"><p>${P[0]}</p><p>${P[1]}</p>
      <ul><li>Sandbags were stacked along the river bank.</li><li>The school gym became a shelter for forty families.</li></ul>
      <table><tr><th>Town</th><th>Rain</th></tr><tr><td>Millbrook</td><td>120 mm</td></tr><tr><td>Ashford</td><td>95 mm</td></tr></table>
      <p>${P[2]}</p><p>${P[3]}</p></div>${CHROME_SIDE}`);
    const blocks = extractArticle(doc)!.text.split('\n\n');
    expect(blocks).toContain('Sandbags were stacked along the river bank.');
    expect(blocks).toContain('The school gym became a shelter for forty families.');
    expect(blocks).toContain('Town Rain');
    expect(blocks).toContain('Millbrook 120 mm');
    expect(blocks).toContain('Ashford 95 mm');
    expect(blocks.indexOf('Ashford 95 mm')).toBeLessThan(blocks.indexOf(P[2]!));
  });

  it('finds text in <div>s without any <p> (blogger style, <br> between paragraphs)', () => {
    const doc = page(`${CHROME_TOP}<div class="post"><h3>Flood diary</h3><div class="post-body">${P.join('<br><br>')}</div></div>${CHROME_SIDE}`);
    const article = extractArticle(doc)!;
    expect(article.source).toBe('readability');
    for (const p of P) expect(article.text).toContain(p);
    expect(article.text).not.toContain('Most read');
  });

  it('leaves out the comment thread and ad stream that share a <main> with the story', () => {
    const page1 = generatePage('mainWithComments', 1);
    const doc = new DOMParser().parseFromString(page1.html, 'text/html');
    const text = extractArticle(doc)!.text;
    for (const p of page1.truth) expect(text).toContain(p);
    expect(text).not.toMatch(/comments|Reply|Post comment|Advertisement|sponsored offer|reader\d/);
    const comment = doc.querySelector('.comment-content p')!.textContent!;
    expect(text).not.toContain(comment);
  });

  it('keeps a long article whole (no 20 000-character cut), up to the article limit', () => {
    const long = generatePage('longRead', 2);
    const doc = new DOMParser().parseFromString(long.html, 'text/html');
    const article = extractArticle(doc)!;
    expect(article.text.length).toBeGreaterThan(LIMITS.contextChars);
    expect(article.truncated).toBe(false);
    expect(article.text.endsWith(long.truth.at(-1)!)).toBe(true);
    const cut = extractArticle(doc, 5000)!;
    expect(cut.truncated).toBe(true);
    expect(cut.text.length).toBeLessThanOrEqual(5000);
    expect(article.text.startsWith(cut.text)).toBe(true);
  });

  it('reads the page from a clone: the page itself is not changed', () => {
    const doc = page(
      `${CHROME_TOP}<article class="story" style="color: red"><h1>Flood</h1>${P.map((p) => `<p class="x">${p}</p>`).join('')}</article>${CHROME_SIDE}`,
    );
    const before = doc.documentElement.outerHTML;
    expect(extractArticle(doc)?.source).toBe('readability');
    expect(doc.documentElement.outerHTML).toBe(before);
  });

  it('is text, never markup: page markup written as text stays text, tags do not come through', () => {
    const doc = page(
      `<article><p>Write &lt;img src=x onerror=alert(1)&gt; to test a filter, ${P[0]}</p><p><b>${P[1]}</b> <i>${P[2]}</i></p><p>${P[3]}</p></article>`,
    );
    const text = extractArticle(doc)!.text;
    expect(text).toContain('Write <img src=x onerror=alert(1)> to test a filter');
    expect(text).toContain(`${P[1]} ${P[2]}`);
    expect(text).not.toMatch(/<\/?(b|i|p)>/);
  });

  it('never includes Sesame’s own bubble or ghost text', () => {
    const doc = page(
      `<article>${P.map((p) => `<p>${p}</p>`).join('')}<sesame-bubble><p>Meaning in context: the model’s guesses for this word are here.</p></sesame-bubble>` +
        `<sesame-ghost><div>and the rest of the suggested continuation</div></sesame-ghost></article>`,
    );
    const text = extractArticle(doc)!.text;
    expect(text).not.toContain('Meaning in context');
    expect(text).not.toContain('suggested continuation');
    expect(doc.querySelectorAll('sesame-bubble,sesame-ghost')).toHaveLength(2);
  });

  it('falls back to the old extractor, and to nothing, where Readability finds too little', () => {
    expect(extractArticle(page('<div>Hello</div>'))).toBeNull();
    expect(extractArticle(page('<nav><p><a href="/">Home</a></p></nav>'))).toBeNull();
  });

  it('leaves a page too big for Readability to the fallback', () => {
    const doc = page(`<article>${P.map((p) => `<p>${p}</p>`).join('')}</article>`);
    expect(extractArticle(doc, LIMITS.articleChars, 5)).toEqual({ text: P.join('\n\n'), truncated: false, source: 'fallback' });
    expect(extractArticle(doc)?.source).toBe('readability');
  });

  it('works for Chinese', () => {
    const zh = '他拿起手机给妈妈打电话，告诉她自己已经到家了，明天还要早起上班。';
    const doc = page(`<nav><p><a href="/">首页</a></p></nav><article><p>${zh}</p><p>${zh}</p><p>${zh}</p></article>`);
    expect(extractArticle(doc)!.text).toBe([zh, zh, zh].join('\n\n'));
  });
});

describe('block text', () => {
  it('makes blocks paragraphs, <br> a line break, cells separate words, and keeps <pre> lines', () => {
    const el = document.createElement('div');
    el.innerHTML = `<h2>Title</h2>Loose  text <b>bold</b><br>next line<p>Para\n  one</p><table><tr><td>a</td><td>b</td></tr></table><pre>x = 1\n  y = 2</pre><ul><li>one</li><li>two</li></ul><script>no()</script><style>p{}</style>`;
    expect(blockText(el)).toBe('Title\n\nLoose text bold\nnext line\n\nPara one\n\na b\n\nx = 1\ny = 2\n\none\n\ntwo');
  });

  it('takes two <br> in a row as a paragraph break', () => {
    const el = document.createElement('div');
    el.innerHTML = 'First paragraph.<br><br>\n Second paragraph, line one<br>line two.<br> <br><br>Third.';
    expect(blockText(el)).toBe('First paragraph.\n\nSecond paragraph, line one\nline two.\n\nThird.');
  });

  it('cuts at a paragraph break, or else a space', () => {
    expect(cutAt('aaaa bbbb\n\ncccc dddd', 16)).toEqual({ text: 'aaaa bbbb', truncated: true });
    expect(cutAt('aaaa bbbb cccc dddd', 12)).toEqual({ text: 'aaaa bbbb', truncated: true });
    expect(cutAt('short', 12)).toEqual({ text: 'short', truncated: false });
  });
});

describe('the mainText reply', () => {
  it('carries a long article whole, and validates', () => {
    const long = generatePage('longRead', 1);
    document.documentElement.innerHTML = new DOMParser().parseFromString(long.html, 'text/html').documentElement.innerHTML;
    const reply = mainTextReplyFor(document, 'https://example.com/long');
    expect(reply.kind).toBe('mainText');
    if (reply.kind !== 'mainText') return;
    expect(reply.text.length).toBeGreaterThan(LIMITS.contextChars);
    expect(parse(mainTextReply, reply).ok).toBe(true);
    expect(parse(mainTextReply, { ...reply, text: 'x'.repeat(LIMITS.articleChars + 1) }).ok).toBe(false);
  });

  it('travels whole to the practice page (practice.open and the stored passage), up to the article limit', () => {
    const text = 'word '.repeat(LIMITS.articleChars / 5).trim();
    const open = (t: string) => parse(clientMessage, { kind: 'request', id: 'a1', request: { type: 'practice.open', text: t } });
    expect(open(text).ok).toBe(true);
    expect(open(`${text} more`).ok).toBe(false);
    expect(passageIn({ id: { text, url: 'https://example.com/', createdAt: 1 } }, 'id')?.text).toBe(text);
    expect(passageIn({ id: { text: `${text} more`, url: '', createdAt: 1 } }, 'id')).toBeNull();
    // The model host still gets at most contextChars: the practice page sends one section.
    expect(parse(clientMessage, { kind: 'request', id: 'a1', request: { type: 'cloze', text, blanks: 5 } }).ok).toBe(false);
  });
});
