// Options: each tool's keyboard shortcut as the browser has it now, and where to change it
// (extensions cannot rebind commands themselves; the browser's shortcuts page does).
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t } from '@/models/shared/i18n';

interface Command {
  name?: string;
  description?: string;
  shortcut?: string;
}

const SHORTCUTS_PAGE = import.meta.env.FIREFOX ? 'about:addons' : 'chrome://extensions/shortcuts';

export function Shortcuts() {
  const [commands, setCommands] = useState<Command[]>([]);
  useEffect(() => void browser.commands.getAll().then((c) => setCommands(c.filter((x) => x.name !== '_execute_action'))), []);
  return (
    <section aria-labelledby="keys-h" data-testid="shortcuts">
      <h2 id="keys-h">{t('options_shortcuts')}</h2>
      <table>
        <tbody>
          {commands.map((c) => (
            <tr key={c.name}>
              <td>{c.description}</td>
              <td>
                <kbd data-testid={`shortcut-${c.name}`}>{c.shortcut || t('options_shortcut_none')}</kbd>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">
        {t('options_shortcuts_change')} <code>{SHORTCUTS_PAGE}</code>
      </p>
    </section>
  );
}
