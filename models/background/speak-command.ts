// The "speak" keyboard command: the tab's content script captures the selection (as for the
// popup), and the background speaks the word, then its sentence, with an on-device voice. When
// there is no on-device voice for the language, or speaking fails, the page is told (the content
// script shows it as text: in the bubble when one is open, else in a small notice), never silence.
import { browser } from 'wxt/browser';
import { captureReply, type ContentMessage, type Lang, parse } from '../shared/protocol';
import { spokenParts } from '../shared/speech/utterances';
import { langOfSelection } from '../shared/text/lang';
import { SPEAK_COMMAND } from '../shared/tools';
import type { Speaker } from './speech';

/** What the command did. */
export type SpeakOutcome = { kind: 'spoken'; voice: string; lang: Lang } | { kind: 'no-voice'; lang: Lang } | { kind: 'nothing' };

/** Speaks the captured selection's word, then its sentence; `nothing` when nothing was selected (or no frame answered). */
export async function speakSelection(ask: () => Promise<unknown>, speak: Speaker): Promise<SpeakOutcome> {
  const parsed = parse(captureReply, await ask().catch(() => null));
  if (!parsed.ok || parsed.value.kind !== 'capture') return { kind: 'nothing' };
  const { capture } = parsed.value;
  const { word, sentence } = spokenParts(capture);
  if (!word) return { kind: 'nothing' };
  const lang = langOfSelection(word, capture.text) ?? 'en';
  const voice = await speak(word, lang);
  if (voice === null) return { kind: 'no-voice', lang };
  if (sentence) await speak(sentence, lang, { enqueue: true });
  return { kind: 'spoken', voice, lang };
}

/** What the page is told of the command: nothing when it spoke or had nothing to speak. */
export function noticeOf(outcome: SpeakOutcome | { kind: 'failed'; error: unknown }): Extract<ContentMessage, { kind: 'notice' }> | null {
  if (outcome.kind === 'no-voice') return { kind: 'notice', notice: 'no-voice', lang: outcome.lang };
  if (outcome.kind === 'failed') {
    const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    return { kind: 'notice', notice: 'speak-failed', message: message.slice(0, 300) };
  }
  return null;
}

/** Runs the command for a tab and tells the page what came of it. */
export async function runSpeakCommand(
  ask: () => Promise<unknown>,
  speak: Speaker,
  tell: (notice: Extract<ContentMessage, { kind: 'notice' }>) => Promise<unknown>,
  log: (message: string) => void,
): Promise<SpeakOutcome | { kind: 'failed'; error: unknown }> {
  const outcome = await speakSelection(ask, speak).catch((error: unknown) => ({ kind: 'failed' as const, error }));
  if (outcome.kind === 'no-voice') log('no on-device voice for the selection’s language');
  if (outcome.kind === 'failed') log(`speaking failed: ${String(outcome.error)}`);
  const notice = noticeOf(outcome);
  if (notice) await tell(notice).catch((error: unknown) => log(`could not tell the page: ${String(error)}`));
  return outcome;
}

declare global {
  // Set in the service worker: runs the speak command on a tab as the keyboard shortcut does (the
  // e2e tests call it: a headless browser does not deliver extension shortcuts).
  var sesameSpeakCommand: ((tabId: number) => Promise<SpeakOutcome | { kind: 'failed'; error: unknown }>) | undefined;
}

export function installSpeakCommand(speak: Speaker, log: (message: string) => void): void {
  const forTab = (tabId: number) =>
    runSpeakCommand(
      () => browser.tabs.sendMessage(tabId, { kind: 'capture' }),
      speak,
      // The top frame shows it (in its bubble or its notice), whichever frame held the selection.
      (notice) => browser.tabs.sendMessage(tabId, notice, { frameId: 0 }),
      log,
    );
  globalThis.sesameSpeakCommand = forTab;
  browser.commands.onCommand.addListener((command, tab) => {
    if (command !== SPEAK_COMMAND.name || tab?.id === undefined) return;
    void forTab(tab.id);
  });
}
