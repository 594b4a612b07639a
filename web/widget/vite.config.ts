// The embeddable widget: one self-contained IIFE (web/widget/dist/widget.js) a bank's page loads
// with a <script> tag, so no module loader, no chunks and no CSS file beside it.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  logLevel: 'warn',
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2020',
    minify: true,
    sourcemap: false,
    reportCompressedSize: true,
    lib: { entry: here('src/main.ts'), name: 'PalisadeWidget', formats: ['iife'], fileName: () => 'widget.js' },
  },
});
