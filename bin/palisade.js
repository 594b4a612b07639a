#!/usr/bin/env node
// `npx palisade …`: runs the CLI from build/ (made by `npm install`, `npm start` and `npm test`;
// `npm run build` by hand) when it matches the sources, otherwise from the TypeScript sources through
// tsx, which compiles at start: slower, never stale.
import { isBuildCurrent } from './build-state.js';

if (isBuildCurrent()) {
  await import('../build/server/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../server/cli/main.ts');
}
