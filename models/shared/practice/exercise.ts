// The learner's side of an exercise: answers, hints taken, reveals, verdicts, and the score.
// Pure state transitions, shared by the practice page and its tests.
import type { ClozeCheckResult, ClozeResult } from '../protocol';

export type BlankJudgement = ClozeCheckResult['blanks'][number];

export interface BlankState {
  input: string;
  /** Hints shown so far. */
  hints: number;
  revealed: boolean;
  judgement: BlankJudgement | null;
}

export interface Exercise {
  cloze: ClozeResult;
  blanks: BlankState[];
  /** Set once the answers have been checked (and not retried since). */
  checked: boolean;
}

const fresh = (): BlankState => ({ input: '', hints: 0, revealed: false, judgement: null });

export function startExercise(cloze: ClozeResult): Exercise {
  return { cloze, blanks: cloze.blanks.map(fresh), checked: false };
}

function update(ex: Exercise, i: number, change: (b: BlankState) => BlankState): Exercise {
  return { ...ex, blanks: ex.blanks.map((b, k) => (k === i ? change(b) : b)) };
}

export const typeAnswer = (ex: Exercise, i: number, input: string): Exercise => update(ex, i, (b) => (b.revealed ? b : { ...b, input, judgement: null }));

export const takeHint = (ex: Exercise, i: number, available: number): Exercise => update(ex, i, (b) => ({ ...b, hints: Math.min(available, b.hints + 1) }));

export const reveal = (ex: Exercise, i: number): Exercise =>
  update(ex, i, (b) => ({ ...b, revealed: true, input: ex.cloze.blanks[i]?.answer ?? b.input, judgement: null }));

/** Clears one blank for another try (hints taken stay counted). */
export const clearBlank = (ex: Exercise, i: number): Exercise => update(ex, i, (b) => (b.revealed ? b : { ...b, input: '', judgement: null }));

/** Starts the same exercise over. */
export const retry = (ex: Exercise): Exercise => startExercise(ex.cloze);

export function applyCheck(ex: Exercise, result: ClozeCheckResult): Exercise {
  return { ...ex, checked: true, blanks: ex.blanks.map((b, i) => ({ ...b, judgement: b.revealed ? null : (result.blanks[i] ?? null) })) };
}

/** What gets sent for judging: revealed blanks count as unanswered. */
export const answersToCheck = (ex: Exercise): string[] => ex.blanks.map((b) => (b.revealed ? '' : b.input));

/**
 * Points: 1 for a correct or acceptable answer, ½ if a hint was taken for it, 0 when wrong
 * or revealed.
 */
export function points(b: BlankState): number {
  if (b.revealed || !b.judgement || b.judgement.verdict === 'wrong') return 0;
  return b.hints > 0 ? 0.5 : 1;
}

export function score(ex: Exercise): { points: number; max: number } {
  return { points: ex.blanks.reduce((sum, b) => sum + points(b), 0), max: ex.blanks.length };
}
