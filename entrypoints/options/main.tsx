import { render } from 'preact';
import { browser } from 'wxt/browser';
import { Options } from '@/components/Options';
import { injectPageStyles } from '@/components/page-styles';
import { applyUiLanguage } from '@/components/ui-language';
import { setConnector } from '@/models/client';
import type { PortLike } from '@/models/router';

setConnector((name) => browser.runtime.connect({ name }) as unknown as PortLike);
injectPageStyles('options');
void applyUiLanguage().then(() => render(<Options />, document.getElementById('app')!));
