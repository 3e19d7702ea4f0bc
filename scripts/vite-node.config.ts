// vite-node's config for scripts that reuse the test support modules (their `@/` imports).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
export default defineConfig({ resolve: { alias: { '@': root, '~': root } } });
