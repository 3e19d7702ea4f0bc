// "Practise on this article": shown in the popup when nothing is selected and the tab's content
// script finds a main text; opens the practice page on it.
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t } from '@/models/shared/i18n';
import { type ErrorInfo, type MainTextReply, mainTextReply, parse } from '@/models/shared/protocol';
import { Notice, ToolStateView } from './ResultView';
import { openPractice } from './tool-runner';

type MainText = Extract<MainTextReply, { kind: 'mainText' }>;

async function mainTextOf(tabId: number): Promise<MainText | null> {
  const parsed = parse(mainTextReply, await browser.tabs.sendMessage(tabId, { kind: 'mainText' }).catch(() => null));
  return parsed.ok && parsed.value.kind === 'mainText' ? parsed.value : null;
}

export function MainTextButton({ tabId }: { tabId: number | undefined }) {
  const [main, setMain] = useState<MainText | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  useEffect(() => {
    if (tabId !== undefined) void mainTextOf(tabId).then(setMain);
  }, [tabId]);
  if (!main) return null;
  const open = () => void openPractice({ text: main.text, start: 0, end: main.text.length, url: main.url }, setError);
  return (
    <section class="actions" data-testid="main-text">
      <button type="button" onClick={open} data-testid="practise-article">
        {t('cloze_main_text')}
      </button>
      <Notice text={main.truncated ? t('cloze_main_text_truncated') : undefined} />
      {error && <ToolStateView state={{ phase: 'error', error }} />}
    </section>
  );
}
