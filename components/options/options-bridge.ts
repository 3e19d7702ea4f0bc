// The options page's container: the browser calls its views need (the extension's keyboard
// commands, the optional access to AnkiConnect). The views take it as a prop.
import { browser } from 'wxt/browser';
import { ANKI_ORIGINS } from '@/models/shared/learn/anki-settings';

export interface Command {
  name?: string;
  description?: string;
  shortcut?: string;
}

export interface OptionsBridge {
  /** The keyboard commands as the browser has them now. */
  commands(): Promise<Command[]>;
  /** Asks for access to AnkiConnect on loopback: call it inside the user's click (permissions.request requires it). */
  requestAnkiAccess(): Promise<boolean>;
}

export const browserOptions: OptionsBridge = {
  commands: async () => (await browser.commands.getAll()).filter((c) => c.name !== '_execute_action'),
  requestAnkiAccess: () => browser.permissions.request({ origins: ANKI_ORIGINS }).catch(() => false),
};
