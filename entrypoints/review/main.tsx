import { render } from 'preact';
import { browser } from 'wxt/browser';
import '@/components/common/base.css';
import '@/components/common/page.css';
import '@/components/practice/practice.css';
import { applyUiLanguage } from '@/components/common/ui-language';
import { ReviewPage } from '@/components/review/ReviewPage';
import { setConnector } from '@/models/shared/client';
import { t } from '@/models/shared/i18n';
import type { PortLike } from '@/models/shared/port';

setConnector((name) => browser.runtime.connect({ name }) as unknown as PortLike);
void applyUiLanguage().then(() => {
  document.title = t('review_title');
  render(<ReviewPage />, document.getElementById('app')!);
});
