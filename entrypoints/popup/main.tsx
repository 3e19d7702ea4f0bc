import { render } from 'preact';
import { browser } from 'wxt/browser';
import { Popup } from '@/components/popup/Popup';
import { injectPageStyles } from '@/components/bubble/page-styles';
import { applyUiLanguage } from '@/components/common/ui-language';
import { setConnector } from '@/models/shared/client';
import type { PortLike } from '@/models/shared/port';

setConnector((name) => browser.runtime.connect({ name }) as unknown as PortLike);
injectPageStyles('popup');
void applyUiLanguage().then(() => render(<Popup />, document.getElementById('app')!));
