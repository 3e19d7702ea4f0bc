// A model's download size in words, the same in the welcome page, the settings and the popup.
import { useEffect, useState } from 'preact/hooks';
import { request } from '@/models/shared/client';
import { t } from '@/models/shared/i18n';
import { type NeededModel, type ShownSize, shownSize } from '@/models/shared/onboarding';
import type { ModelFiles } from '@/models/shared/protocol';
import { megabytes } from './format';

/** One model's size: exact from the file list, "about" for an estimate, or why there is none. */
export function sizeText(checking: boolean, size: ShownSize): string {
  if (!size.usable) return t('onboarding_size_unusable');
  if (size.bytes === null) return checking ? t('onboarding_size_checking') : t('onboarding_size_one_unknown');
  if (size.cached) return t('onboarding_size_cached', { size: megabytes(size.bytes) });
  return size.exact ? t('onboarding_size_exact', { size: megabytes(size.bytes) }) : t('onboarding_size_about', { size: megabytes(size.bytes) });
}

/**
 * What the model host lists for each model (by id), asked once per id and `context` (the dtype
 * and host: a change asks again). 'failed' when the request itself failed.
 */
export function useModelFiles(needed: readonly NeededModel[], context: string): Record<string, ModelFiles | 'failed'> {
  const [listed, setListed] = useState<{ context: string; files: Record<string, ModelFiles | 'failed'> }>({ context, files: {} });
  const key = needed.map((m) => `${m.spec.id}|${m.spec.family}|${m.spec.dtype}`).join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the models' ids (`key`) and the context, not on array identity.
  useEffect(() => {
    if (listed.context !== context) setListed({ context, files: {} });
    for (const m of needed) {
      if (listed.context === context && listed.files[m.spec.id]) continue;
      const done = (answer: ModelFiles | 'failed') => setListed((l) => (l.context === context ? { context, files: { ...l.files, [m.spec.id]: answer } } : l));
      void request({ type: 'models.files', modelId: m.spec.id, family: m.spec.family }).then(done, () => done('failed'));
    }
  }, [key, context]);
  return listed.context === context ? listed.files : {};
}

/** Each model's shown size, and whether its listing is still on its way. */
export function sizesOf(needed: readonly NeededModel[], listed: Record<string, ModelFiles | 'failed'>): { checking: boolean; size: ShownSize }[] {
  return needed.map((m) => {
    const l = listed[m.spec.id];
    return { checking: l === undefined, size: shownSize(m, l === 'failed' ? undefined : l) };
  });
}
