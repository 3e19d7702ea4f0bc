// The learning loop's errors in the UI language: by kind (Anki not running, a duplicate, a bad
// file…), else the generic words for the code and the background's own message.
import { RequestError } from '@/models/shared/client';
import { type MessageKey, t } from '@/models/shared/i18n';
import type { ErrorInfo } from '@/models/shared/protocol';

export function learningErrorText(error: unknown): string {
  const info: ErrorInfo | null = error instanceof RequestError ? error.info : null;
  if (info?.kind) return t(`learn_error_${info.kind.replace(/-/g, '_')}` as MessageKey, { detail: info.detail ?? '' });
  return info?.message ?? String((error as Error)?.message ?? error);
}

/** The kind of a learning error, if it is one. */
export const learningErrorKind = (error: unknown) => (error instanceof RequestError ? error.info.kind : undefined);
