import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The admin console: a static single-page app under /console, built into dist/console by `npm run build`.
 * Hashed file names (served immutable), no inline script or style (the CSP allows neither), no module-preload
 * polyfill (it would be an inline script), JSX through Preact's automatic runtime.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  logLevel: 'warn',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
    reportCompressedSize: false,
  },
});
