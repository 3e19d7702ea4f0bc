// The one message protocol between Sesame's contexts.
//
//   content script / popup / options  --port "sesame"-->       background (router)
//   background                        --port "sesame-host"-->  model host (offscreen document)
//
// Every message is validated on arrival with the checks below; every request carries an id;
// a request is answered by any number of `progress`/`partial` messages and exactly one
// `result` or `error`. A `cancel` with the same id stops the work.
import { arrayOf, bool, type Check, literal, nullable, num, object, optional, str, tagged, ValidationError } from './validate';
import { HOST_URL_MAX, modelHostProblem } from './host-url';
import { TOOL_NAMES } from './tools';
import { LEARNING_ERROR_KINDS } from './learn/learning-errors';

export const CLIENT_PORT = 'sesame';
export const HOST_PORT = 'sesame-host';
/** Ports between the bubble's frame and the content script that made it (components/bubble/frame-protocol.ts): this, then the bubble's id. */
export const BUBBLE_PORT_PREFIX = 'sesame-bubble:';
/**
 * What the offscreen host sends (runtime.sendMessage, which wakes a stopped service worker) when
 * idle release has left no model loaded: the background then closes the document, the only way
 * to give its WebAssembly memory back.
 */
export const HOST_IDLE = { kind: 'sesame-host-idle' } as const;

/** Limits that keep one message from exhausting the model host. */
export const LIMITS = {
  contextChars: 20_000,
  /** A whole article for the practice page (offered in sections of up to 2000 characters there). */
  articleChars: 100_000,
  promptChars: 8_000,
  wordChars: 64,
  clozeBlanks: 30,
  occurrences: 500,
  /** Characters of one occurrence's sentence window. */
  occurrenceChars: 600,
  glosses: 12,
  /** Characters of one completion partial (a few tokens' text; host/partial-stream.ts merges within it). */
  partialChars: 4000,
} as const;

export const LANGS = ['en', 'zh'] as const;
export type Lang = (typeof LANGS)[number];
export const lang = literal(...LANGS);

/** A message id (exported: the host gate reads it from messages it otherwise refuses). */
export const id = str({ min: 1, max: 64, pattern: /^[\w-]+$/ });
export const modelId = str({ min: 1, max: 200, pattern: /^[\w.@/-]+$/ });
const dtype = literal('fp32', 'fp16', 'q8', 'q4');
export type Dtype = ReturnType<typeof dtype>;
/** Model families: masked LMs (sense, cloze) and causal LMs (completion: GPT-2, Qwen2). */
export const FAMILIES = ['bert', 'distilbert', 'ernie', 'gpt2', 'qwen2'] as const;
const family = literal(...FAMILIES);

// ---------------------------------------------------------------- requests

/** A word in a window of text, by UTF-16 offsets. */
const span = (maxChars: number) =>
  object({
    text: str({ min: 1, max: maxChars }),
    start: num({ int: true, min: 0, max: maxChars }),
    end: num({ int: true, min: 1, max: maxChars }),
  });
export const occurrenceSpan = span(LIMITS.occurrenceChars);
export type OccurrenceSpan = ReturnType<typeof occurrenceSpan>;

const senseRequest = object({
  type: literal('sense'),
  /** The sentence or paragraph around the word. */
  text: str({ min: 1, max: LIMITS.contextChars }),
  /** UTF-16 offsets of the selected word in `text`. */
  start: num({ int: true, min: 0, max: LIMITS.contextChars }),
  end: num({ int: true, min: 1, max: LIMITS.contextChars }),
  lang: optional(lang),
  topK: optional(num({ int: true, min: 1, max: 50 })),
  /** Every use of the word on the page, each in its sentence, to be clustered into senses. */
  occurrences: optional(arrayOf(occurrenceSpan, { max: LIMITS.occurrences })),
  /** Which of `occurrences` is the selected one (its vector comes from the `text` pass). */
  selected: optional(num({ int: true, min: 0, max: LIMITS.occurrences - 1 })),
  /** Look up dictionary glosses and rank them by this context (default true). */
  glosses: optional(bool),
});

export const CLOZE_DIFFICULTIES = ['easy', 'medium', 'hard'] as const;
export type ClozeDifficulty = (typeof CLOZE_DIFFICULTIES)[number];
export const CLOZE_DECODERS = ['confident-first', 'left-to-right', 'independent'] as const;
export type ClozeDecoder = (typeof CLOZE_DECODERS)[number];

/** Words a cloze exercise should blank first (review: words due). */
const focusWords = arrayOf(str({ min: 1, max: LIMITS.wordChars * 4 }), { max: 50 });

const clozeRequest = object({
  type: literal('cloze'),
  text: str({ min: 1, max: LIMITS.contextChars }),
  blanks: num({ int: true, min: 1, max: LIMITS.clozeBlanks }),
  lang: optional(lang),
  seed: optional(num({ int: true, min: 0, max: 2 ** 31 })),
  /** easy: words the model finds obvious; hard: plausible but not obvious; medium (default): seeded. */
  difficulty: optional(literal(...CLOZE_DIFFICULTIES)),
  /** How multi-mask answers are decoded (default confident-first). */
  decode: optional(literal(...CLOZE_DECODERS)),
  /** Words to blank first where they occur (the learner's words due for review). */
  focus: optional(focusWords),
});

/** Judges a learner's answers to a cloze exercise in its context. */
const clozeCheckRequest = object({
  type: literal('cloze.check'),
  text: str({ min: 1, max: LIMITS.contextChars }),
  blanks: arrayOf(
    object({
      start: num({ int: true, min: 0, max: LIMITS.contextChars }),
      end: num({ int: true, min: 1, max: LIMITS.contextChars }),
      /** The original word. */
      answer: str({ min: 1, max: LIMITS.wordChars }),
    }),
    { min: 1, max: LIMITS.clozeBlanks },
  ),
  /** The learner's answers, one per blank ('' for none). */
  answers: arrayOf(str({ max: LIMITS.wordChars }), { min: 1, max: LIMITS.clozeBlanks }),
  lang: optional(lang),
});

/** Opens the practice page on a passage (handled by the background, never by the model host). */
const practiceOpenRequest = object({
  type: literal('practice.open'),
  text: str({ min: 1, max: LIMITS.articleChars }),
  url: optional(str({ max: 4000 })),
  lang: optional(lang),
  focus: optional(focusWords),
});

const completeRequest = object({
  type: literal('complete'),
  prompt: str({ min: 1, max: LIMITS.promptChars }),
  maxNewTokens: num({ int: true, min: 1, max: 256 }),
  alternatives: optional(num({ int: true, min: 1, max: 5 })),
  temperature: optional(num({ min: 0, max: 2 })),
  topP: optional(num({ min: 0, max: 1 })),
  /** Identifies the text field, so the host can keep that field's KV cache. */
  fieldKey: optional(str({ max: 100 })),
  /** The prompt may end inside a word (ghost text while typing): the continuation finishes that word first. */
  continueWord: optional(bool),
});

const statusRequest = object({
  type: literal('status'),
  /** Also measure the host's memory (performance.measureUserAgentSpecificMemory; can take seconds). */
  memory: optional(bool),
});
const modelsListRequest = object({ type: literal('models.list') });
const modelDownloadRequest = object({
  type: literal('models.download'),
  modelId,
  /** When the id alone does not tell (a custom id); guessed from the registry or the name otherwise. */
  family: optional(family),
});
/** Which files a model's download would fetch and their sizes, asked before downloading. */
const modelFilesRequest = object({
  type: literal('models.files'),
  modelId,
  family: optional(family),
});
const modelDeleteRequest = object({ type: literal('models.delete'), modelId });
const cacheClearRequest = object({ type: literal('cache.clear') });
/** Forgets what the host keeps in memory from pages (sense vectors, completion keys/values): "Clear my data". */
const memoryClearRequest = object({ type: literal('memory.clear') });

/** A saved word (words/word-list.ts keeps the list): the word in the sentence where it was met, the sense shown. */
export const wordEntry = object({
  id: str({ min: 1, max: 64 }),
  date: num({ min: 0 }),
  url: str({ max: 4000 }),
  lang,
  word: str({ min: 1, max: LIMITS.wordChars * 4 }),
  /** The sentence, and the word's offsets in it. */
  sentence: str({ min: 1, max: LIMITS.occurrenceChars }),
  start: num({ int: true, min: 0 }),
  end: num({ int: true, min: 1 }),
  /** The label of the sense (cluster) this use fell in. */
  sense: arrayOf(str({ max: 200 }), { max: 5 }),
  substitutes: arrayOf(str({ max: 200 }), { max: 10 }),
  gloss: optional(str({ max: 2000 })),
  /** Chinese: the best-ranked gloss's reading (numbered pinyin, "yin2 hang2"), for the Anki note. */
  reading: optional(str({ max: 200 })),
});

/** Saves a word: answered by the background, which alone writes the list (one save at a time). */
const wordSaveRequest = object({ type: literal('words.save'), entry: wordEntry });

// The learning loop: Anki (through AnkiConnect), review, the backup file. All answered by the
// background, never by the model host; only `anki.canAdd` and `anki.add` may come from a content
// script (the bubble's "Add to Anki", for a word already saved: the note is built from the stored
// entry, never from the message).
const wordId = str({ min: 1, max: 64 });
const ankiName = str({ min: 1, max: 200 });
const ankiConnectRequest = object({ type: literal('anki.connect') });
const ankiDecksRequest = object({ type: literal('anki.decks') });
const ankiModelsRequest = object({ type: literal('anki.models') });
const ankiFieldsRequest = object({ type: literal('anki.fields'), model: ankiName });
const ankiCanAddRequest = object({ type: literal('anki.canAdd'), wordIds: arrayOf(wordId, { min: 1, max: 500 }) });
const ankiAddRequest = object({ type: literal('anki.add'), wordId });
export const REVIEW_RATING_NAMES = ['again', 'hard', 'good', 'easy'] as const;
const reviewDueRequest = object({ type: literal('review.due'), limit: optional(num({ int: true, min: 1, max: 200 })) });
const reviewRateRequest = object({ type: literal('review.rate'), id: str({ min: 1, max: 100 }), rating: literal(...REVIEW_RATING_NAMES) });
const learningExportRequest = object({ type: literal('learning.export') });
/** A backup file's text (review/backup.ts); files over this size are refused before reading. */
export const BACKUP_MAX_CHARS = 20_000_000;
const learningImportRequest = object({ type: literal('learning.import'), text: str({ max: BACKUP_MAX_CHARS }) });

/** Requests the background answers itself for the learning loop. */
export const LEARNING_REQUESTS = [
  'anki.connect',
  'anki.decks',
  'anki.models',
  'anki.fields',
  'anki.canAdd',
  'anki.add',
  'review.due',
  'review.rate',
  'learning.export',
  'learning.import',
] as const;
export type LearningRequestType = (typeof LEARNING_REQUESTS)[number];
export const isLearningRequest = (type: string): type is LearningRequestType => (LEARNING_REQUESTS as readonly string[]).includes(type);
/** Characters of Chinese text a hover lookup asks about at once (dict/longest-match.ts). */
export const DICT_MATCH_CHARS = 64;
/** The longest CC-CEDICT word at each position of a run of text: answered by the background (hover lookup). */
const dictMatchRequest = object({ type: literal('dict.match'), text: str({ min: 1, max: DICT_MATCH_CHARS }) });
/**
 * Speaks a word or a sentence with an on-device voice (answered by the background, which alone
 * speaks: a page could observe speech started in its own document). Never a network voice.
 */
const speakRequest = object({
  type: literal('speak'),
  text: str({ min: 1, max: LIMITS.occurrenceChars }),
  lang,
});

export const toolRequest = tagged({
  sense: senseRequest,
  cloze: clozeRequest,
  'cloze.check': clozeCheckRequest,
  'practice.open': practiceOpenRequest,
  complete: completeRequest,
  status: statusRequest,
  'models.list': modelsListRequest,
  'models.download': modelDownloadRequest,
  'models.files': modelFilesRequest,
  'models.delete': modelDeleteRequest,
  'cache.clear': cacheClearRequest,
  'words.save': wordSaveRequest,
  'memory.clear': memoryClearRequest,
  'anki.connect': ankiConnectRequest,
  'anki.decks': ankiDecksRequest,
  'anki.models': ankiModelsRequest,
  'anki.fields': ankiFieldsRequest,
  'anki.canAdd': ankiCanAddRequest,
  'anki.add': ankiAddRequest,
  'review.due': reviewDueRequest,
  'review.rate': reviewRateRequest,
  'learning.export': learningExportRequest,
  'learning.import': learningImportRequest,
  'dict.match': dictMatchRequest,
  speak: speakRequest,
});
export type ToolRequest = ReturnType<typeof toolRequest>;
export type RequestType = ToolRequest['type'];
export type RequestOf<T extends RequestType> = Extract<ToolRequest, { type: T }>;

// ---------------------------------------------------------------- results

const scored = object({ text: str({ max: 200 }), score: num() });
export type Scored = ReturnType<typeof scored>;

export const BACKENDS = ['webgpu', 'wasm'] as const;
export type Backend = (typeof BACKENDS)[number];
const backend = literal(...BACKENDS);

const senseCluster = object({
  /** The substitutes its members share most, most shared first. */
  label: arrayOf(str({ max: 200 }), { max: 5 }),
  /** Indices into the request's `occurrences`. */
  members: arrayOf(num({ int: true, min: 0 }), { max: LIMITS.occurrences }),
  selected: bool,
});
export type SenseCluster = ReturnType<typeof senseCluster>;

export const GLOSS_METHODS = ['context-embedding', 'substitute-overlap', 'dictionary-order'] as const;
const glossOut = object({
  source: literal('wordnet', 'cc-cedict'),
  headword: str({ max: 200 }),
  pos: optional(str({ max: 16 })),
  reading: optional(str({ max: 200 })),
  text: str({ max: 2000 }),
  example: optional(str({ max: 2000 })),
  synonyms: arrayOf(str({ max: 200 }), { max: 12 }),
  score: num(),
  /** A Chinese equivalent of an English word: its traditional form, where it differs. */
  traditional: optional(str({ max: 200 })),
  /** A Chinese equivalent: the definition is the word itself, or a short phrase with it. */
  match: optional(literal('exact', 'partial')),
});
export type GlossOut = ReturnType<typeof glossOut>;

/** How a Chinese word's reading was chosen (text/readings.ts). */
export const READING_SOURCES = ['word', 'context', 'dictionary', 'characters'] as const;
const readingOut = object({
  /** Numbered pinyin ("hang2"). */
  reading: str({ min: 1, max: 200 }),
  by: literal(...READING_SOURCES),
  /** The word's other readings, dictionary order. */
  others: arrayOf(str({ max: 200 }), { max: 8 }),
});
export type ReadingOut = ReturnType<typeof readingOut>;

/** How common a word is (words/frequency.ts) and how expected it is at this place. */
const levelOut = object({
  /** Frequency band 1 (very common) to 5 (very rare); null when the word is not in the list. */
  band: nullable(num({ int: true, min: 1, max: 5 })),
  /** HSK 2.0 level, Chinese only; null when not in the HSK vocabulary. */
  hsk: nullable(num({ int: true, min: 1, max: 6 })),
  /** The model's probability of the original word at its (masked) place; absent when it cannot be read off (a word of several pieces). */
  predicted: optional(num({ min: 0, max: 1 })),
});
export type LevelOut = ReturnType<typeof levelOut>;

const senseResult = object({
  type: literal('sense'),
  word: str({ max: LIMITS.wordChars * 4 }),
  lang,
  model: modelId,
  backend,
  substitutes: arrayOf(scored, { max: 50 }),
  /** Senses of the word's uses on the page; absent when no occurrences were sent. */
  clusters: optional(arrayOf(senseCluster, { max: 16 })),
  /** How the occurrence vectors were made, for diagnostics. */
  vectors: optional(
    object({
      method: literal('layer-mix', 'substitutes'),
      /** Hidden states mixed (layers + 1), 0 when the graph could not be mapped. */
      hiddenStates: num({ int: true, min: 0 }),
      note: optional(str({ max: 500 })),
      /** Occurrences served from the host's cache; only extension pages are told (a page could learn from it what was looked up). */
      cached: optional(num({ int: true, min: 0 })),
    }),
  ),
  glosses: optional(arrayOf(glossOut, { max: LIMITS.glosses })),
  glossMethod: optional(literal(...GLOSS_METHODS)),
  /** A Chinese word's reading, chosen from the word and this context. */
  reading: optional(readingOut),
  /** An English word's Chinese equivalents (CC-CEDICT read backwards), ranked by this context. */
  equivalents: optional(arrayOf(glossOut, { max: LIMITS.glosses })),
  equivalentMethod: optional(literal(...GLOSS_METHODS)),
  level: optional(levelOut),
});

const clozeBlank = object({
  start: num({ int: true, min: 0 }),
  end: num({ int: true, min: 0 }),
  answer: str({ max: 200 }),
  candidates: arrayOf(scored, { max: 20 }),
  /** Masks the blank took (word pieces, or characters for Chinese). */
  pieces: optional(num({ int: true, min: 1 })),
});
const clozeResult = object({
  type: literal('cloze'),
  lang,
  model: modelId,
  backend,
  text: str({ max: LIMITS.contextChars }),
  blanks: arrayOf(clozeBlank, { max: LIMITS.clozeBlanks }),
  difficulty: optional(literal(...CLOZE_DIFFICULTIES)),
});

export const CLOZE_VERDICTS = ['correct', 'acceptable', 'wrong'] as const;
export type ClozeVerdict = (typeof CLOZE_VERDICTS)[number];
const clozeCheckResult = object({
  type: literal('cloze.check'),
  lang,
  model: modelId,
  backend,
  blanks: arrayOf(
    object({
      verdict: literal(...CLOZE_VERDICTS),
      /** Pseudo-log-likelihood (nats) of the learner's answer minus the original's, in context; 0 when correct, null when empty. */
      score: nullable(num()),
      modelTop: arrayOf(scored, { max: 10 }),
    }),
    { max: LIMITS.clozeBlanks },
  ),
  /** Forward passes the judging took (one batch unless it had to be split to bound memory). */
  passes: num({ int: true, min: 0 }),
});
const practiceOpenResult = object({ type: literal('practice.open'), id });

const completeResult = object({
  type: literal('complete'),
  model: modelId,
  backend,
  alternatives: arrayOf(str({ max: 4000 }), { max: 5 }),
  stoppedBy: literal('length', 'eos', 'sentence', 'cancelled'),
  /** Prompt tokens the model saw, and how many of them came from the field's cached keys/values. */
  promptTokens: optional(num({ int: true, min: 0 })),
  reusedTokens: optional(num({ int: true, min: 0 })),
});

const loadedModel = object({
  id: modelId,
  family: str({ max: 32 }),
  dtype,
  backend,
  lastUsed: num(),
  /** The ONNX file the session was built from (models/host/hub/hub-files.ts chose it from the repo's listing). */
  file: optional(str({ max: 300 })),
  /** Encoders: how many hidden states the sense tool mixes, or why it cannot. */
  layers: optional(str({ max: 300 })),
  /** q8 models: whether Sesame's int8 kernel computes the LM head, or why the graph keeps it. */
  head: optional(str({ max: 300 })),
  /** GPT-2 q8: whether prompts and decoding steps run in Sesame's kernels, or why the graph keeps them. */
  decoder: optional(str({ max: 300 })),
  /** Where its files came from: the commit they were pinned to and how many matched the hub's hashes, or why none were checked. */
  source: optional(str({ max: 300 })),
});
const diagnostics = object({
  type: literal('status'),
  host: literal('offscreen', 'background-page'),
  backend: nullable(backend),
  backendNote: optional(str({ max: 500 })),
  webgpuAdapter: bool,
  crossOriginIsolated: bool,
  threads: num({ int: true, min: 0 }),
  hardwareConcurrency: num({ int: true, min: 0 }),
  loaded: arrayOf(loadedModel, { max: 32 }),
  hostStartedAt: num(),
  hostStartMs: num(),
  offscreenCreated: optional(num({ int: true, min: 0 })),
  /** The completion tool: requests served, generations stopped by a cancel, prompt tokens reused/computed, fields cached. */
  completion: optional(
    object({
      requests: num({ int: true, min: 0 }),
      cancelled: num({ int: true, min: 0 }),
      reusedTokens: num({ int: true, min: 0 }),
      computedTokens: num({ int: true, min: 0 }),
      cachedFields: num({ int: true, min: 0 }),
    }),
  ),
  /** Tool requests that reached a model: how many ran their work, and how many ended cancelled. */
  work: optional(
    object({
      requests: num({ int: true, min: 0 }),
      computed: num({ int: true, min: 0 }),
      cancelled: num({ int: true, min: 0 }),
    }),
  ),
  /** The sense vector cache: entries held, uses served from it (all partitions). */
  senseCache: optional(object({ entries: num({ int: true, min: 0 }), hits: num({ int: true, min: 0 }) })),
  /** Connections and messages the model host refused (not from the background, or malformed). */
  rejected: optional(num({ int: true, min: 0 })),
  /** Bytes the host's document uses, when the status request asked for it and the browser can tell. */
  memoryBytes: optional(num({ min: 0 })),
  /** Models that were downloaded but could not be stored (storage full), and why. */
  storeFailures: optional(arrayOf(object({ model: modelId, message: str({ max: 500 }) }), { max: 32 })),
});
export type Diagnostics = ReturnType<typeof diagnostics>;

const cachedModel = object({
  id: modelId,
  files: arrayOf(object({ file: str({ max: 300 }), bytes: num({ min: 0 }) }), { max: 64 }),
  bytes: num({ min: 0 }),
});
const modelsListResult = object({ type: literal('models.list'), models: arrayOf(cachedModel, { max: 256 }) });
const modelFilesResult = object({
  type: literal('models.files'),
  modelId,
  dtype,
  /** cache: already downloaded; hub: the host's file listing (exact sizes); estimate: no listing, the registry's guess. */
  source: literal('cache', 'hub', 'estimate'),
  /** The ONNX file the load will fetch; absent when the repo holds none for the dtype. */
  file: optional(str({ max: 300 })),
  files: arrayOf(object({ file: str({ max: 300 }), bytes: num({ min: 0 }) }), { max: 64 }),
  bytes: nullable(num({ min: 0 })),
  sha: optional(str({ pattern: /^[0-9a-f]{40}$/ })),
  note: optional(str({ max: 500 })),
});
export type ModelFiles = ReturnType<typeof modelFilesResult>;
const doneResult = object({
  type: literal('models.download', 'models.delete', 'cache.clear', 'memory.clear'),
  modelId: optional(modelId),
  bytes: optional(num({ min: 0 })),
});

const wordSaveResult = object({ type: literal('words.save'), count: num({ int: true, min: 0 }) });
/** For each UTF-16 index of the request's text, the longest headword's length there (0: none). */
const dictMatchResult = object({
  type: literal('dict.match'),
  lengths: arrayOf(num({ int: true, min: 0, max: DICT_MATCH_CHARS }), { max: DICT_MATCH_CHARS }),
});

const learningErrorKind = literal(...LEARNING_ERROR_KINDS);
const names = arrayOf(str({ max: 200 }), { max: 1000 });
/** A due review card as the review page shows it: one of its contexts, and when each rating would bring it back. */
const dueCard = object({
  id: str({ min: 1, max: 100 }),
  lang,
  word: str({ min: 1, max: LIMITS.wordChars * 4 }),
  senseKey: arrayOf(str({ max: 200 }), { max: 5 }),
  gloss: optional(str({ max: 2000 })),
  sentence: str({ min: 1, max: LIMITS.occurrenceChars }),
  start: num({ int: true, min: 0 }),
  end: num({ int: true, min: 1 }),
  url: str({ max: 4000 }),
  /** Contexts the card has (sentences the word was met in, in this sense). */
  contexts: num({ int: true, min: 1 }),
  reps: num({ int: true, min: 0 }),
  next: object({ again: num({ min: 0 }), hard: num({ min: 0 }), good: num({ min: 0 }), easy: num({ min: 0 }) }),
});
export type DueCard = ReturnType<typeof dueCard>;
const learningResults = {
  'anki.connect': object({ type: literal('anki.connect'), version: num({ int: true, min: 0 }) }),
  'anki.decks': object({ type: literal('anki.decks'), names }),
  'anki.models': object({ type: literal('anki.models'), names }),
  'anki.fields': object({ type: literal('anki.fields'), model: str({ max: 200 }), names }),
  'anki.canAdd': object({
    type: literal('anki.canAdd'),
    answers: arrayOf(object({ wordId, canAdd: bool, kind: optional(learningErrorKind) }), { max: 500 }),
  }),
  'anki.add': object({ type: literal('anki.add'), noteId: num({ int: true }) }),
  'review.due': object({
    type: literal('review.due'),
    cards: arrayOf(dueCard, { max: 200 }),
    /** Cards due now, all of them; and cards kept. */
    due: num({ int: true, min: 0 }),
    total: num({ int: true, min: 0 }),
  }),
  'review.rate': object({ type: literal('review.rate'), due: num({ int: true, min: 0 }), next: num({ min: 0 }) }),
  'learning.export': object({
    type: literal('learning.export'),
    text: str({ max: BACKUP_MAX_CHARS }),
    words: num({ int: true, min: 0 }),
    cards: num({ int: true, min: 0 }),
  }),
  'learning.import': object({
    type: literal('learning.import'),
    /** Words and cards added (not already there), and damaged entries left out. */
    words: num({ int: true, min: 0 }),
    cards: num({ int: true, min: 0 }),
    skipped: num({ int: true, min: 0 }),
  }),
};
/** The voice that speaks, or null: no on-device voice for the language (nothing was spoken). */
const speakResult = object({ type: literal('speak'), voice: nullable(str({ max: 200 })) });

export const toolResult = tagged({
  sense: senseResult,
  cloze: clozeResult,
  'cloze.check': clozeCheckResult,
  'practice.open': practiceOpenResult,
  complete: completeResult,
  status: diagnostics,
  'models.list': modelsListResult,
  'models.download': doneResult,
  'models.files': modelFilesResult,
  'models.delete': doneResult,
  'cache.clear': doneResult,
  'words.save': wordSaveResult,
  'memory.clear': doneResult,
  ...learningResults,
  'dict.match': dictMatchResult,
  speak: speakResult,
});
export type ToolResult = ReturnType<typeof toolResult>;
export type ResultOf<T extends RequestType> = Extract<ToolResult, { type: T }>;
export type CompleteResult = ResultOf<'complete'>;
export type SenseResult = ResultOf<'sense'>;
export type ClozeResult = ResultOf<'cloze'>;
export type ClozeCheckResult = ResultOf<'cloze.check'>;

// ---------------------------------------------------------------- streaming and errors

const progress = object({
  model: modelId,
  file: str({ max: 300 }),
  status: literal('initiate', 'download', 'progress', 'done', 'ready'),
  loaded: optional(num({ min: 0 })),
  total: optional(num({ min: 0 })),
});
export type Progress = ReturnType<typeof progress>;

const partial = object({
  /** Which alternative of a completion this text extends. */
  index: num({ int: true, min: 0, max: 4 }),
  /** Newly decoded text, never a broken character. */
  delta: str({ max: LIMITS.partialChars }),
});
export type Partial = ReturnType<typeof partial>;

/** What a long request has produced so far (the sense tool: substitutes first, then uses embedded). */
const update = tagged({
  sense: object({
    type: literal('sense'),
    word: str({ max: LIMITS.wordChars * 4 }),
    lang,
    substitutes: arrayOf(scored, { max: 50 }),
    done: num({ int: true, min: 0 }),
    total: num({ int: true, min: 0 }),
    /** The senses of the page's uses, once every use is read (glosses still to come). */
    clusters: optional(arrayOf(senseCluster, { max: 16 })),
  }),
});
export type Update = ReturnType<typeof update>;

export const ERROR_CODES = [
  'bad-request',
  'empty-input',
  'unsupported-language',
  'model-load',
  'download',
  'inference',
  'cancelled',
  'host-unavailable',
  'disabled',
  'internal',
  'rate-limited',
  /** Anki (through AnkiConnect) did not do what was asked: `kind` says why. */
  'anki',
  /** A backup file that cannot be imported: `kind` says why. */
  'bad-file',
  /** The learning loop's own refusals (a card no longer there): `kind` says why. */
  'learning',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
const errorInfo = object({
  code: literal(...ERROR_CODES),
  message: str({ max: 2000 }),
  /** For the learning loop's errors: what went wrong, worded by the UI in its language. */
  kind: optional(learningErrorKind),
  /** The deck or note type not found, the version found, or Anki's own words. */
  detail: optional(str({ max: 500 })),
});
export type ErrorInfo = ReturnType<typeof errorInfo>;

// ---------------------------------------------------------------- envelopes

export const clientMessage = tagged(
  {
    request: object({ kind: literal('request'), id, request: toolRequest }),
    cancel: object({ kind: literal('cancel'), id }),
    /** Sent while a request is pending; traffic keeps the service worker alive. */
    ping: object({ kind: literal('ping'), id }),
  },
  'kind',
);
export type ClientMessage = ReturnType<typeof clientMessage>;

export const serverMessage = tagged(
  {
    progress: object({ kind: literal('progress'), id, progress }),
    partial: object({ kind: literal('partial'), id, partial }),
    update: object({ kind: literal('update'), id, update }),
    result: object({ kind: literal('result'), id, result: toolResult }),
    error: object({ kind: literal('error'), id, error: errorInfo }),
    /** The background's answer to a client's ping: the port is still alive. */
    pong: object({ kind: literal('pong'), id }),
  },
  'kind',
);
export type ServerMessage = ReturnType<typeof serverMessage>;

const modelSpec = object({
  id: modelId,
  family,
  dtype,
});
export type ModelSpec = ReturnType<typeof modelSpec>;

/** A model host URL: https, or http on the loopback interface only (see host-url.ts). */
const modelHostUrl: Check<string> = (v, path) => {
  const url = str({ max: HOST_URL_MAX })(v, path);
  const problem = modelHostProblem(url);
  if (problem) throw new ValidationError(path, problem);
  return url;
};

/** What the router tells the host about how to serve a request (the host reads no settings). */
export const hostConfig = object({
  remoteHost: modelHostUrl,
  model: optional(modelSpec),
  idleReleaseMs: num({ int: true, min: 0 }),
  preferBackend: literal('auto', 'wasm', 'webgpu'),
  lang: optional(lang),
  /** ELMo scalar-mix weights w_0…w_L for sense vectors (softmaxed); the default curve when absent. */
  layerWeights: optional(arrayOf(num({ min: -50, max: 50 }), { min: 1, max: 64 })),
  /**
   * The top-level site of the tab a content script's request came from, set by the background
   * from the port's sender: the host's page-derived caches are partitioned by it. Absent for
   * Sesame's own pages.
   */
  site: optional(str({ max: 300 })),
});
export type HostConfig = ReturnType<typeof hostConfig>;

export const hostMessage = tagged(
  {
    run: object({ kind: literal('run'), id, request: toolRequest, config: hostConfig }),
    cancel: object({ kind: literal('cancel'), id }),
  },
  'kind',
);
export type HostMessage = ReturnType<typeof hostMessage>;

// ---------------------------------------------------------------- background/popup → content script

const capture = object({
  /** The paragraph (or field text) around the selection, cut to LIMITS.contextChars. */
  text: str({ max: LIMITS.contextChars }),
  start: num({ int: true, min: 0 }),
  end: num({ int: true, min: 0 }),
  /** The sentence containing the selection, as offsets into `text`. */
  sentenceStart: num({ int: true, min: 0 }),
  sentenceEnd: num({ int: true, min: 0 }),
  truncated: bool,
  url: str({ max: 4000 }),
  /** When the selection is one word: its uses on the page, each in its sentence. */
  occurrences: optional(arrayOf(occurrenceSpan, { max: LIMITS.occurrences })),
  selected: optional(num({ int: true, min: 0 })),
});
export type Capture = ReturnType<typeof capture>;

export const contentMessage = tagged(
  {
    trigger: object({ kind: literal('trigger'), tool: literal(...TOOL_NAMES) }),
    capture: object({ kind: literal('capture') }),
    /** Scrolls to and highlights the n-th occurrence of the last capture. */
    reveal: object({ kind: literal('reveal'), index: num({ int: true, min: 0, max: LIMITS.occurrences - 1 }) }),
    /** The page's main text, for practice when nothing is selected (answered by the top frame). */
    mainText: object({ kind: literal('mainText') }),
    /**
     * Something the user must be told on the page, as text in the UI language: the speak shortcut
     * found no on-device voice for the selection's language (`lang`), or speaking failed (`message`).
     */
    notice: object({
      kind: literal('notice'),
      notice: literal('no-voice', 'speak-failed'),
      lang: optional(lang),
      message: optional(str({ max: 300 })),
    }),
  },
  'kind',
);
export type ContentMessage = ReturnType<typeof contentMessage>;
export const mainTextReply = tagged(
  {
    mainText: object({ kind: literal('mainText'), text: str({ min: 1, max: LIMITS.articleChars }), truncated: bool, url: str({ max: 4000 }) }),
    none: object({ kind: literal('none') }),
  },
  'kind',
);
export type MainTextReply = ReturnType<typeof mainTextReply>;
export const captureReply = tagged(
  {
    capture: object({ kind: literal('capture'), capture }),
    none: object({
      kind: literal('none'),
      reason: literal('no-selection', 'sensitive-field', 'disabled'),
      url: optional(str({ max: 4000 })),
    }),
  },
  'kind',
);
export type CaptureReply = ReturnType<typeof captureReply>;

/** Parses a message, or returns the reason it was rejected. */
export function parse<T>(check: Check<T>, value: unknown): { ok: true; value: T } | { ok: false; reason: string } {
  try {
    return { ok: true, value: check(value, '') };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

export class ToolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

/** A request's work stops here when its request was cancelled (the host answers "cancelled"). */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ToolError('cancelled', 'Cancelled');
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof ToolError) return { code: error.code, message: error.message.slice(0, 2000) };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: message.slice(0, 2000) || 'Unknown error' };
}
