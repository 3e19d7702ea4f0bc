import { render } from 'preact';
import { browser } from 'wxt/browser';
import { Options } from '@/components/options/Options';
import { browserOptions } from '@/components/options/options-bridge';
import '@/components/common/base.css';
import '@/components/common/page.css';
import '@/components/options/options.css';
import { applyUiLanguage } from '@/components/common/ui-language';
import { setConnector } from '@/models/shared/client';
import type { PortLike } from '@/models/shared/port';

setConnector((name) => browser.runtime.connect({ name }) as unknown as PortLike);
void applyUiLanguage().then(() => render(<Options bridge={browserOptions} />, document.getElementById('app')!));
