// What can go wrong with the learning loop (Anki, review, backup files), as kinds the UI words
// in its own language (i18n `learn_error_<kind>`). The background's errors carry one of these.

/** AnkiConnect's failures (background/anki/anki-connect.ts makes them). */
export const ANKI_ERROR_KINDS = [
  'not-running',
  'timeout',
  'permission',
  'api-key',
  'old-version',
  'no-collection',
  'duplicate',
  'empty',
  'deck',
  'model',
  'bad-reply',
  'anki',
] as const;
export type AnkiErrorKind = (typeof ANKI_ERROR_KINDS)[number];

/** Before any request: Anki is off in Settings, the browser has not granted access to it, the word is not in the list, Anki is not set up (no deck or note type). */
export const ANKI_SETUP_KINDS = ['off', 'no-access', 'no-word', 'not-set-up'] as const;

/** A backup file that cannot be imported (review/backup.ts `BackupProblem`), or one too large. */
export const BACKUP_ERROR_KINDS = ['not-json', 'not-sesame', 'newer', 'too-large'] as const;

/** A review rating for a card that is no longer there (removed meanwhile). */
export const REVIEW_ERROR_KINDS = ['no-card'] as const;

export const LEARNING_ERROR_KINDS = [...ANKI_ERROR_KINDS, ...ANKI_SETUP_KINDS, ...BACKUP_ERROR_KINDS, ...REVIEW_ERROR_KINDS] as const;
export type LearningErrorKind = (typeof LEARNING_ERROR_KINDS)[number];
