import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The window is loaded from disk under a strict Content-Security-Policy (see renderer/index.html):
// every script and style must be a file of its own, so nothing may be inlined into the page.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome140',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: true,
  },
});
