import { render } from 'preact';
import { browser } from 'wxt/browser';
import { Popup } from '@/components/popup/Popup';
import { browserTabs } from '@/components/popup/tab-bridge';
import '@/components/common/base.css';
import '@/components/common/page.css';
import '@/components/popup/popup.css';
import { applyUiLanguage } from '@/components/common/ui-language';
import { setConnector } from '@/models/shared/client';
import type { PortLike } from '@/models/shared/port';

setConnector((name) => browser.runtime.connect({ name }) as unknown as PortLike);
void applyUiLanguage().then(() => render(<Popup tabs={browserTabs} />, document.getElementById('app')!));
