// "Practise on this article": shown in the popup when nothing is selected and the tab's content
// script finds a main text; opens the practice page on it.
import { useEffect, useState } from 'preact/hooks';
import { t } from '@/models/shared/i18n';
import type { ErrorInfo } from '@/models/shared/protocol';
import { Notice, ToolStateView } from '../result/ResultView';
import { openPractice } from '../result/tool-runner';
import type { MainText } from './tab-bridge';

/** `mainTextOf`: reads a tab's main text (tab-bridge.ts). */
export function MainTextButton({ tabId, mainTextOf }: { tabId: number | undefined; mainTextOf: (tabId: number) => Promise<MainText | null> }) {
  const [main, setMain] = useState<MainText | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  useEffect(() => {
    if (tabId !== undefined) void mainTextOf(tabId).then(setMain);
  }, [tabId, mainTextOf]);
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
