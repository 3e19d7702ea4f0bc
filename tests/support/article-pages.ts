// Generated article pages for scoring the article extractor: realistic page furniture (masthead,
// navigation, sidebars, related links, comment threads, ad slots, cookie banners, share buttons,
// scripts inside paragraphs) around an article in one of the layouts real sites use (paragraphs,
// blogger-style text in <div>s split by <br>, lists, tables, code blocks, long reads in sections,
// Chinese). Deterministic per seed. Each page says what its article is (`truth`), so extractors
// can be scored against it as well as against Readability's own output.
import { seededRandom } from '../../models/host/tools/cloze/cloze-blanks';

export interface GeneratedPage {
  name: string;
  html: string;
  /** The article's text, block by block (headings, paragraphs, list items, table rows). */
  truth: string[];
}

const NOUNS = (
  'river village farmer council bridge harvest winter market teacher engine museum station harbour forest ' +
  'storm library doctor garden festival mountain railway factory island valley journalist scientist report ' +
  'budget election hospital school orchestra painter kitchen vineyard laboratory telescope satellite ocean ' +
  'glacier desert city neighbourhood tradition language recipe tournament committee volunteer archive'
).split(' ');
const VERBS = (
  'opened described reached repaired studied announced discovered followed gathered measured planted ' +
  'collected visited explained questioned restored published welcomed crossed protected examined recorded'
).split(' ');
const ADJS = (
  'quiet ancient busy careful remote narrow bright heavy gentle local national modern patient sudden ' +
  'famous fragile crowded wooden northern coastal rural urban early late'
).split(' ');
const LINKERS = 'after before while because although since when until as'.split(' ');

function make(r: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
  const phrase = () => `the ${r() < 0.5 ? `${pick(ADJS)} ` : ''}${pick(NOUNS)}`;
  const sentence = () => {
    const main = `${phrase()} ${pick(VERBS)} ${phrase()}`;
    const tail = r() < 0.6 ? ` ${pick(LINKERS)} ${phrase()} ${pick(VERBS)} ${phrase()}` : '';
    return `${cap(main)}${tail}${r() < 0.3 ? ` in ${1900 + Math.floor(r() * 125)}` : ''}.`;
  };
  const paragraph = (n = 3 + Math.floor(r() * 4)) => Array.from({ length: n }, sentence).join(' ');
  const title = () => cap(`${pick(ADJS)} ${pick(NOUNS)} ${pick(VERBS)} ${phrase()}`);
  return { pick, cap, phrase, sentence, paragraph, title };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Page furniture around the article. */
function furniture(g: ReturnType<typeof make>, r: () => number) {
  const links = (n: number) => Array.from({ length: n }, (_, i) => `<li><a href="/s/${i}">${esc(g.title())}</a></li>`).join('\n');
  return {
    header: `<header class="site-header"><div class="logo"><a href="/">The ${g.cap(g.pick(ADJS))} Courier</a></div>
<p class="tagline">Independent reporting from the ${g.pick(NOUNS)} and beyond since ${1850 + Math.floor(r() * 100)}</p></header>`,
    nav: `<nav class="menu"><ul>\n${['Home', 'World', 'Business', 'Culture', 'Sport', 'Opinion', 'Science', 'Travel'].map((w) => `<li><a href="/${w}">${w}</a></li>`).join('\n')}\n</ul></nav>`,
    cookie: `<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your experience and to measure our audience. Accept all cookies or manage your preferences.</p><button>Accept</button></div>`,
    share: `<div class="share-buttons social"><a href="/share/fb">Share on Facebook</a> <a href="/share/x">Share on X</a> <a href="/share/mail">Email this story</a></div>`,
    sidebar: `<aside class="sidebar widget-area"><h3>Most read</h3><ul>\n${links(6)}\n</ul>
<div class="newsletter"><p>Sign up for our morning newsletter and get the day's headlines in your inbox every day.</p></div></aside>`,
    related: `<div class="related-articles"><h3>Related stories</h3><ul>\n${links(5)}\n</ul></div>`,
    ad: () => `<div class="ad advertisement sponsored" id="ad-${Math.floor(r() * 1e6)}"><span>Advertisement</span>
<p><a href="https://ads.example/${Math.floor(r() * 1e6)}">${esc(g.title())} — sponsored offer, click to learn more today</a></p>
<script>window.adQueue = (window.adQueue || []).concat([{ slot: "${Math.floor(r() * 1e6)}", sizes: [[300, 250], [728, 90]] }]);</script></div>`,
    comments: (n: number) => `<section id="comments" class="comments-area"><h3>${n} comments</h3><ol class="comment-list">
${Array.from({ length: n }, (_, i) => `<li class="comment"><div class="comment-author">reader${Math.floor(r() * 1000)}</div><div class="comment-meta">${i + 2} hours ago</div><div class="comment-content"><p>${esc(g.paragraph(1 + Math.floor(r() * 2)))}</p></div><a class="reply" href="#r${i}">Reply</a></li>`).join('\n')}
</ol><form class="comment-form"><textarea placeholder="Join the discussion"></textarea><button>Post comment</button></form></section>`,
    footer: `<footer class="site-footer"><p>Copyright ${2000 + Math.floor(r() * 25)} The Courier. All rights reserved. Privacy policy · Terms of use · Contact us · Advertise with us</p></footer>`,
    analytics: `<script>(function(){var s=document.createElement("script");s.src="https://analytics.example/t.js";s.async=true;document.head.appendChild(s);window.dataLayer=[{page:"article",section:"news"}];})();</script>`,
  };
}

const wrap = (title: string, body: string, lang = 'en') =>
  `<!doctype html>\n<html lang="${lang}"><head><meta charset="utf-8"><title>${esc(title)} | The Courier</title>
<meta name="viewport" content="width=device-width"><style>.ad{border:1px solid #ccc}</style></head>\n<body>\n${body}\n</body></html>`;

type Layout = (g: ReturnType<typeof make>, r: () => number) => { title: string; article: string; truth: string[]; aroundMain?: boolean };

/** News story: paragraphs, a byline, a figure, a script inside a paragraph, an ad between paragraphs. */
const news: Layout = (g, r) => {
  const f = furniture(g, r);
  const paras = Array.from({ length: 6 + Math.floor(r() * 6) }, () => g.paragraph());
  const scripted = 1 + Math.floor(r() * (paras.length - 2));
  const body = paras
    .map((p, i) => {
      if (i === scripted) {
        const cut = p.indexOf('. ') + 1;
        return `<p>${esc(p.slice(0, cut))} <script>var tracker = { id: ${Math.floor(r() * 1e9)}, event: "paragraph-view", payload: "abcdefghijklmnopqrstuvwxyz".split("").join("-") }; window.track && window.track(tracker);</script>${esc(p.slice(cut))}</p>`;
      }
      return `<p>${esc(p)}</p>${i === 3 ? `\n${f.ad()}` : ''}`;
    })
    .join('\n');
  const title = g.title();
  return {
    title,
    truth: paras,
    article: `<article class="story"><h1>${esc(title)}</h1><div class="byline">By ${g.cap(g.pick(NOUNS))} Reporter · ${Math.floor(r() * 28) + 1} May</div>
${f.share}
<figure><img src="/img/${Math.floor(r() * 100)}.jpg" alt=""><figcaption>A view of ${g.phrase()}.</figcaption></figure>
<div class="story-body">\n${body}\n</div></article>`,
  };
};

/** Blogger-style: the post is text in <div>s separated by <br><br>, no <p> at all. */
const blogger: Layout = (g, r) => {
  const paras = Array.from({ length: 5 + Math.floor(r() * 5) }, () => g.paragraph());
  const title = g.title();
  return {
    title,
    truth: paras,
    article: `<div class="post hentry"><h3 class="post-title entry-title">${esc(title)}</h3>
<div class="post-header"><div class="post-header-line-1"></div></div>
<div class="post-body entry-content" id="post-body-${Math.floor(r() * 1e9)}">\n${paras.map(esc).join('\n<br /><br />\n')}\n<div style="clear: both;"></div></div>
<div class="post-footer"><span class="post-author vcard">Posted by <a href="/profile">${g.pick(NOUNS)}</a></span> <span class="post-labels">Labels: <a href="/l/1">${g.pick(NOUNS)}</a></span></div></div>`,
  };
};

/** Reference article: an introduction, a list, a data table, sections with headings. */
const reference: Layout = (g, r) => {
  const intro = [g.paragraph(), g.paragraph()];
  const items = Array.from({ length: 4 + Math.floor(r() * 4) }, () => g.sentence());
  const rows = Array.from({ length: 4 + Math.floor(r() * 3) }, () => [
    g.cap(g.pick(NOUNS)),
    String(1900 + Math.floor(r() * 120)),
    g.cap(g.pick(ADJS)),
    `${g.pick(ADJS)} ${g.pick(NOUNS)}`,
  ]);
  const heading = g.title();
  const more = [g.paragraph(), g.paragraph()];
  const steps = Array.from({ length: 3 + Math.floor(r() * 3) }, () => g.sentence());
  const title = g.title();
  const table = `<table class="wikitable"><caption>${esc(heading)} by year</caption>
<thead><tr><th>Name</th><th>Year</th><th>Kind</th><th>Notes</th></tr></thead>
<tbody>\n${rows.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n')}\n</tbody></table>`;
  return {
    title,
    truth: [...intro, ...items, `${heading} by year`, 'Name Year Kind Notes', ...rows.map((row) => row.join(' ')), heading, ...more, ...steps],
    article: `<div id="content" class="mw-body"><h1 id="firstHeading">${esc(title)}</h1><div id="bodyContent"><div class="mw-parser-output">
${intro.map((p) => `<p>${esc(p)}</p>`).join('\n')}
<ul>\n${items.map((s) => `<li>${esc(s)}</li>`).join('\n')}\n</ul>
${table}
<h2><span class="mw-headline">${esc(heading)}</span></h2>
${more.map((p) => `<p>${esc(p)}</p>`).join('\n')}
<ol>\n${steps.map((s) => `<li>${esc(s)}</li>`).join('\n')}\n</ol>
</div></div></div>`,
  };
};

/** A <main> holding the story and then a comment thread and an ad stream (the old extractor took all of it). */
const mainWithComments: Layout = (g, r) => {
  const f = furniture(g, r);
  const paras = Array.from({ length: 5 + Math.floor(r() * 4) }, () => g.paragraph());
  const title = g.title();
  return {
    title,
    truth: paras,
    aroundMain: true,
    article: `<main id="main" class="site-main"><article class="post type-post"><header class="entry-header"><h1 class="entry-title">${esc(title)}</h1>
<div class="entry-meta">Posted on <time>${Math.floor(r() * 28) + 1} March</time> by <a href="/a">${g.pick(NOUNS)}</a></div></header>
<div class="entry-content">\n${paras.map((p) => `<p>${esc(p)}</p>`).join('\n')}\n</div>
<footer class="entry-footer"><span class="cat-links">Posted in <a href="/c">${g.pick(NOUNS)}</a></span></footer></article>
${f.related}
<div class="ad-stream">${f.ad()}${f.ad()}${f.ad()}</div>
${f.comments(6 + Math.floor(r() * 6))}
</main>`,
  };
};

/** A long read (well past 20 000 characters) in titled sections. */
const longRead: Layout = (g, r) => {
  const sections = Array.from({ length: 12 }, () => ({ heading: g.title(), paras: Array.from({ length: 6 }, () => g.paragraph(5 + Math.floor(r() * 3))) }));
  const title = g.title();
  return {
    title,
    truth: sections.flatMap((s) => [s.heading, ...s.paras]),
    article: `<article class="longform"><h1>${esc(title)}</h1>
${sections.map((s) => `<section><h2>${esc(s.heading)}</h2>\n${s.paras.map((p) => `<p>${esc(p)}</p>`).join('\n')}\n</section>`).join('\n')}
</article>`,
  };
};

/** Documentation: paragraphs, a code block, a list of steps. */
const docs: Layout = (g, r) => {
  const intro = [g.paragraph(), g.paragraph()];
  const code = `const ${g.pick(NOUNS)} = open("${g.pick(NOUNS)}");\nfor (const item of ${g.pick(NOUNS)}.items) {\n  record(item);\n}`;
  const steps = Array.from({ length: 3 + Math.floor(r() * 3) }, () => g.sentence());
  const outro = [g.paragraph(), g.paragraph()];
  const title = g.title();
  return {
    title,
    truth: [...intro, ...code.split('\n'), ...steps, ...outro],
    article: `<div class="docs-content" role="main"><h1>${esc(title)}</h1>
${intro.map((p) => `<p>${esc(p)}</p>`).join('\n')}
<pre><code>${esc(code)}</code></pre>
<ol class="steps">\n${steps.map((s) => `<li>${esc(s)}</li>`).join('\n')}\n</ol>
${outro.map((p) => `<p>${esc(p)}</p>`).join('\n')}
</div>`,
  };
};

const ZH = '城市 乡村 河流 学校 工厂 博物馆 图书馆 医院 市场 火车站 老师 学生 农民 医生 科学家 记者 委员会 志愿者'.split(' ');
const ZH_V = '参观了 修复了 研究了 宣布了 发现了 记录了 保护了 欢迎了 描述了 考察了'.split(' ');
const ZH_A = '古老的 安静的 繁忙的 遥远的 现代的 著名的 北方的 沿海的'.split(' ');

/** A Chinese news story. */
const chinese: Layout = (g, r) => {
  const s = () => `${g.pick(ZH_A)}${g.pick(ZH)}${g.pick(ZH_V)}${g.pick(ZH_A)}${g.pick(ZH)}，${g.pick(ZH)}${g.pick(ZH_V)}${g.pick(ZH)}。`;
  const paras = Array.from({ length: 5 + Math.floor(r() * 4) }, () => Array.from({ length: 3 + Math.floor(r() * 3) }, s).join(''));
  const title = `${g.pick(ZH_A)}${g.pick(ZH)}${g.pick(ZH_V)}${g.pick(ZH)}`;
  return {
    title,
    truth: paras,
    article: `<div class="article-content"><h1>${title}</h1><div class="info">来源：新闻网 ${Math.floor(r() * 12) + 1}月${Math.floor(r() * 28) + 1}日</div>
${paras.map((p) => `<p>${p}</p>`).join('\n')}
<p class="editor">责任编辑：${g.pick(ZH)}</p></div>`,
  };
};

const LAYOUTS: Record<string, Layout> = { news, blogger, reference, mainWithComments, longRead, docs, chinese };

export function generatePage(layout: keyof typeof LAYOUTS, seed: number): GeneratedPage {
  const r = seededRandom(seed * 7919 + layout.length);
  const g = make(r);
  const f = furniture(g, r);
  const { title, article, truth, aroundMain } = LAYOUTS[layout]!(g, r);
  const content = aroundMain ? article : `<main class="page">\n${article}\n${f.related}\n${f.comments(3 + Math.floor(r() * 5))}\n</main>`;
  const body = [f.cookie, f.header, f.nav, `<div class="container">`, r() < 0.5 ? f.ad() : '', content, f.sidebar, `</div>`, f.footer, f.analytics].join('\n');
  return { name: `${layout}-${seed}`, html: wrap(title, body, layout === 'chinese' ? 'zh-CN' : 'en'), truth };
}

/** The scoring set: every layout, several seeds. */
export function generatedPages(seeds = 4): GeneratedPage[] {
  return Object.keys(LAYOUTS).flatMap((layout) => Array.from({ length: seeds }, (_, i) => generatePage(layout, i + 1)));
}
