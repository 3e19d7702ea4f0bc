// Options: each tool's keyboard shortcut as the browser has it now, and where to change it
// (extensions cannot rebind commands themselves; the browser's shortcuts page does).
import { useEffect, useState } from 'preact/hooks';
import { t } from '@/models/shared/i18n';

import type { Command } from './options-bridge';

const SHORTCUTS_PAGE = import.meta.env.FIREFOX ? 'about:addons' : 'chrome://extensions/shortcuts';

export function Shortcuts({ list }: { list: () => Promise<Command[]> }) {
  const [commands, setCommands] = useState<Command[]>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the page opens.
  useEffect(() => void list().then(setCommands), []);
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
