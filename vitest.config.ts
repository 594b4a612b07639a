import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Not node_modules/.vite: a new folder in node_modules makes npm's record of the installed tree
  // stale, and every `npx palisade` then reads the whole tree again (seconds).
  cacheDir: '.cache/vite',
  test: {
    include: ['server/**/*.test.ts', 'gateway/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['test/support/loopback-only.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
