// A live demo of the three tools on a sample paragraph, run by the real model host.
import { useState } from 'preact/hooks';
import { t } from '@/models/shared/i18n';
import type { Capture, Lang } from '@/models/shared/protocol';
import type { Settings } from '@/models/shared/settings';
import { type ToolState, ToolStateView } from '../result/ResultView';
import { requestForCapture, runTool } from '../result/tool-runner';
import type { Tool } from '@/models/shared/tools';

const SAMPLES: Record<Lang, { text: string; word: string }> = {
  en: { text: 'We sat on the grassy bank of the river and watched the boats drift past.', word: 'bank' },
  zh: { text: '我今天去银行存钱，然后在河边散步。', word: '银行' },
};

/** The sample as a capture: the word selected for "meaning", the whole text for the others. */
function sampleCapture(lang: Lang, tool: Tool): Capture {
  const { text, word } = SAMPLES[lang];
  const at = text.indexOf(word);
  const [start, end] = tool === 'sense' ? [at, at + word.length] : [0, text.length];
  return { text, start, end, sentenceStart: 0, sentenceEnd: text.length, truncated: false, url: '' };
}

export function Demo({ lang, settings }: { lang: Lang; settings: Settings }) {
  const [state, setState] = useState<ToolState | null>(null);
  const run = (tool: Tool) => void runTool(requestForCapture(tool, sampleCapture(lang, tool), settings.continueText), setState);
  return (
    <div class="demo" data-testid={`demo-${lang}`}>
      <blockquote lang={lang === 'zh' ? 'zh-CN' : 'en'}>{SAMPLES[lang].text}</blockquote>
      <div class="actions">
        <button type="button" onClick={() => run('sense')} data-testid="demo-sense">
          {t('onboarding_demo_sense', { word: SAMPLES[lang].word })}
        </button>
        <button type="button" onClick={() => run('cloze')} data-testid="demo-cloze">
          {t('tool_cloze')}
        </button>
        <button type="button" onClick={() => run('complete')} data-testid="demo-complete">
          {t('popup_continue')}
        </button>
      </div>
      {state && (
        <div aria-live="polite" data-testid="demo-result">
          <ToolStateView state={state} />
        </div>
      )}
    </div>
  );
}
