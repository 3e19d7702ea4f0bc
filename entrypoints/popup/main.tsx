import { render } from 'preact';
import { browser } from 'wxt/browser';
import { Popup } from '@/components/Popup';
import { injectPageStyles } from '@/components/page-styles';
import { applyUiLanguage } from '@/components/ui-language';
import { setConnector } from '@/models/client';
import type { PortLike } from '@/models/router';

setConnector((name) => browser.runtime.connect({ name }) as unknown as PortLike);
injectPageStyles('popup');
void applyUiLanguage().then(() => render(<Popup />, document.getElementById('app')!));
