import { render } from 'preact';
import { browser } from 'wxt/browser';
import '@/components/common/base.css';
import '@/components/common/page.css';
import '@/components/practice/practice.css';
import { applyUiLanguage } from '@/components/common/ui-language';
import { PracticePage } from '@/components/practice/PracticePage';
import { setConnector } from '@/models/shared/client';
import { t } from '@/models/shared/i18n';
import type { PortLike } from '@/models/shared/port';

setConnector((name) => browser.runtime.connect({ name }) as unknown as PortLike);
const passageId = () => location.hash.slice(1).replace(/[^\w-]/g, '');
const mount = () => render(<PracticePage key={passageId()} passageId={passageId()} />, document.getElementById('app')!);
window.addEventListener('hashchange', mount);
void applyUiLanguage().then(() => {
  document.title = t('practice_title');
  mount();
});
