// Puts an extension page in the UI language from Settings before it first renders.
import { setUiLanguage, uiLangTag } from '@/models/shared/i18n';
import { loadSettings } from '@/models/shared/settings-store';

export async function applyUiLanguage(doc: Document = document): Promise<void> {
  const settings = await loadSettings().catch(() => null);
  setUiLanguage(settings?.uiLanguage);
  doc.documentElement.lang = uiLangTag();
}
