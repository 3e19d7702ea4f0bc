// The learning loop's failures as protocol errors: a code, the kind the UI words in its own
// language, an English message for logs, and a detail (a deck name, Anki's own words).
import type { ErrorInfo } from '../../shared/protocol';
import type { LearningErrorKind } from '../../shared/learn/learning-errors';
import { AnkiError } from '../anki/anki-connect';
import { BackupError } from '../../shared/review/backup';

export class LearningError extends Error {
  constructor(
    readonly code: 'anki' | 'bad-file' | 'learning',
    readonly kind: LearningErrorKind,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'LearningError';
  }
}

/** The answer for a failure of the learning loop; anything unexpected is 'internal'. */
export function learningErrorInfo(error: unknown): ErrorInfo {
  const detail = (d: string | undefined) => (d ? { detail: d.slice(0, 500) } : {});
  if (error instanceof LearningError) return { code: error.code, kind: error.kind, message: error.message.slice(0, 2000), ...detail(error.detail) };
  if (error instanceof AnkiError) return { code: 'anki', kind: error.kind, message: error.message.slice(0, 2000), ...detail(error.detail) };
  if (error instanceof BackupError) return { code: 'bad-file', kind: error.problem, message: error.message.slice(0, 2000) };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: message.slice(0, 2000) || 'Unknown error' };
}
