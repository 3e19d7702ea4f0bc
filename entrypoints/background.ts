// Background entry: where it runs; the body is models/background/start.ts. The in-page model host
// (Firefox) is made here, since the background's own code may not import the host's.
import { i18n } from '#i18n';
import { startBackground } from '@/models/background/start';

export default defineBackground(() => {
  startBackground({
    inPageHost: () => import('@/models/host/runtime').then((m) => m.createBrowserHost('background-page')),
    menuTitle: (id, fallback) => i18n.t(`menu_${id}` as 'menu_sense') || fallback,
  });
});
