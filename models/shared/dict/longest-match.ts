// The longest dictionary word starting at each character of a run of Chinese text (Zhongwen's
// rule for the word under the pointer): pure, given a membership test for headwords.

/** CC-CEDICT's longest common headwords are well under this many characters. */
export const MAX_WORD_CHARS = 8;

/** Han ideographs (and the iteration mark 〇), the characters the dictionary is looked up for. */
export const HAN = /[\p{Script=Han}〇]/u;

/**
 * For each UTF-16 index of `text`, the length (UTF-16 units) of the longest headword that starts
 * there, or 0 where none does (not a Han character, or a character the dictionary lacks).
 * Indices inside a surrogate pair get 0.
 */
export function longestMatches(text: string, isWord: (word: string) => boolean, maxChars = MAX_WORD_CHARS): number[] {
  const chars = [...text];
  const lengths = new Array<number>(text.length).fill(0);
  let at = 0;
  chars.forEach((c, i) => {
    let word = '';
    for (const next of chars.slice(i, i + maxChars)) {
      if (!HAN.test(next)) break;
      word += next;
      if (isWord(word)) lengths[at] = word.length;
    }
    at += c.length;
  });
  return lengths;
}

/** The first character of each Han run's every position: which dictionary shards a lookup needs. */
export function hanStarts(text: string): string[] {
  return [...new Set([...text].filter((c) => HAN.test(c)))];
}
