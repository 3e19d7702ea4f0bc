// Word-level LCS F1 between an extracted text and a reference text (the measure used to compare
// article extractors on Readability's test pages): words are runs of letters/digits, Chinese
// characters one word each, compared case-insensitively.
const WORDS = /\p{Script=Han}|[^\s\p{P}\p{S}\p{Script=Han}]+/gu;

export function words(text: string): string[] {
  return (text.toLowerCase().match(WORDS) ?? []) as string[];
}

/** Length of the longest common subsequence (two rolling rows; words interned to numbers). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const ids = new Map<string, number>();
  const intern = (w: string) => {
    const known = ids.get(w);
    if (known !== undefined) return known;
    ids.set(w, ids.size);
    return ids.size - 1;
  };
  const x = Int32Array.from(a, intern);
  const y = Int32Array.from(b, intern);
  let prev = new Int32Array(y.length + 1);
  let row = new Int32Array(y.length + 1);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    for (let j = 0; j < y.length; j++) row[j + 1] = xi === y[j] ? prev[j]! + 1 : Math.max(prev[j + 1]!, row[j]!);
    [prev, row] = [row, prev];
  }
  return prev[y.length]!;
}

export interface Score {
  precision: number;
  recall: number;
  f1: number;
}

export function wordF1(extracted: string, reference: string): Score {
  const a = words(extracted);
  const b = words(reference);
  if (a.length === 0 && b.length === 0) return { precision: 1, recall: 1, f1: 1 };
  const common = lcsLength(a, b);
  const precision = a.length ? common / a.length : 0;
  const recall = b.length ? common / b.length : 0;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}
