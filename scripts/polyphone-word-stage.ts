// The stages of choosing a polyphone's reading before the model, on the polyphone sentence list:
// the sentence segmented as the page segments it (Intl.Segmenter), the segmented word looked up in
// the bundled CC-CEDICT (a word it lacks read by its characters, from the compact dictionary). A
// word whose entries agree on a reading is settled there (`word`); a word with several is left to
// the context (the model's ranking) and reads here as its usual, first reading (`dictionary`).
// Shared by scripts/eval-polyphones.ts and tests/unit/shared/text/readings-cedict.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lookupChinese } from '../models/host/tools/sense/glosses/cedict';
import { chineseDict } from '../models/shared/dict/chinese-dict';
import { chooseReading, type ReadingChoice } from '../models/shared/text/readings';
import { segmentWords } from '../models/shared/text/segment';
import { POLYPHONE_SENTENCES, type PolyphoneCase } from '../tests/fixtures/polyphone-sentences';
import { loadCompactDict } from './cedict-asset';
import { cedictGlossDir } from './cedict-gloss-asset';

export interface WordStageOutcome {
  sentence: string;
  /** The segmented word holding the polyphonic character. */
  word: string;
  choice: ReadingChoice | null;
  /** The chosen reading of the polyphonic character itself (null when the reading does not line up with the word's characters). */
  syllable: string | null;
  expected: string;
}

/** The character's reading within a word's reading, or null when they do not line up. */
export function syllableOf(reading: string | undefined, word: string, wordStart: number, at: number, sentence: string): string | null {
  const syllables = reading?.split(' ') ?? [];
  return syllables.length === [...word].length ? (syllables[[...sentence.slice(wordStart, at)].length] ?? null) : null;
}

export const isRight = (o: { syllable: string | null; expected: string }): boolean => o.syllable?.toLowerCase() === o.expected.toLowerCase();

export async function wordStage(sentences: readonly PolyphoneCase[] = POLYPHONE_SENTENCES): Promise<WordStageOutcome[]> {
  const dir = await cedictGlossDir();
  const dict = chineseDict(await loadCompactDict());
  const load = async (name: string) => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as unknown;
  return Promise.all(
    sentences.map(async ({ sentence, char, reading }) => {
      const at = sentence.indexOf(char);
      const segment = segmentWords(sentence, 'zh').find((s) => s.start <= at && at < s.end)!;
      const choice = chooseReading(await lookupChinese(segment.text, load), null, dict.pinyin(segment.text));
      return { sentence, word: segment.text, choice, syllable: syllableOf(choice?.reading, segment.text, segment.start, at, sentence), expected: reading };
    }),
  );
}

/** Right / all per stage (`word`, `characters`, `dictionary`), and over all sentences. */
export function tallyByStage<T extends { syllable: string | null; expected: string }>(
  outcomes: readonly T[],
  stageOf: (o: T) => string,
): { stages: Map<string, { n: number; right: number }>; right: number; n: number } {
  const stages = new Map<string, { n: number; right: number }>();
  for (const o of outcomes) {
    const by = stageOf(o);
    const t = stages.get(by) ?? { n: 0, right: 0 };
    stages.set(by, { n: t.n + 1, right: t.right + Number(isRight(o)) });
  }
  return { stages, right: outcomes.filter(isRight).length, n: outcomes.length };
}
