import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The server serves editor/dist at `/`; the dev server proxies the API to a running `authscript serve`.
export default defineConfig({
  root,
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // monaco's core is one large chunk by nature; warn only past it.
    chunkSizeWarningLimit: 4500,
    reportCompressedSize: false,
  },
  worker: { format: 'es' },
  server: {
    proxy: { '/api': process.env.AUTHSCRIPT_URL ?? 'http://127.0.0.1:3000' },
  },
});
