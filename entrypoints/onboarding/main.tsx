import { render } from 'preact';
import { browser } from 'wxt/browser';
import { Onboarding } from '@/components/onboarding/Onboarding';
import '@/components/common/base.css';
import '@/components/common/page.css';
import '@/components/onboarding/onboarding.css';
import { applyUiLanguage } from '@/components/common/ui-language';
import { setConnector } from '@/models/shared/client';
import { t } from '@/models/shared/i18n';
import type { PortLike } from '@/models/shared/port';

setConnector((name) => browser.runtime.connect({ name }) as unknown as PortLike);
void applyUiLanguage().then(() => {
  document.title = t('onboarding_title');
  render(<Onboarding />, document.getElementById('app')!);
});
