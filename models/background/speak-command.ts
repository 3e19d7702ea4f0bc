// The "speak" keyboard command: the tab's content script captures the selection (as for the
// popup), and the background speaks the word, then its sentence, with an on-device voice.
import { browser } from 'wxt/browser';
import { captureReply, parse } from '../shared/protocol';
import { spokenParts } from '../shared/speech/utterances';
import { langOfSelection } from '../shared/text/lang';
import { SPEAK_COMMAND } from '../shared/tools';
import type { Speaker } from './speech';

/** What the command did: the voice that speaks, null when no local voice has the language, undefined when nothing was selected. */
export async function speakSelection(ask: () => Promise<unknown>, speak: Speaker): Promise<string | null | undefined> {
  const parsed = parse(captureReply, await ask().catch(() => null));
  if (!parsed.ok || parsed.value.kind !== 'capture') return undefined;
  const { capture } = parsed.value;
  const { word, sentence } = spokenParts(capture);
  if (!word) return undefined;
  const lang = langOfSelection(word, capture.text) ?? 'en';
  const voice = await speak(word, lang);
  if (voice !== null && sentence) await speak(sentence, lang, { enqueue: true });
  return voice;
}

export function installSpeakCommand(speak: Speaker, log: (message: string) => void): void {
  browser.commands.onCommand.addListener((command, tab) => {
    if (command !== SPEAK_COMMAND.name || tab?.id === undefined) return;
    const tabId = tab.id;
    void speakSelection(() => browser.tabs.sendMessage(tabId, { kind: 'capture' }), speak).then(
      (voice) => voice === null && log('no on-device voice for the selection’s language'),
      (error: unknown) => log(`speaking failed: ${String(error)}`),
    );
  });
}
