// `npm run lint:circles`: import circles over server/, gateway/, web/ and protocol/, type imports
// counted (madge, the tsconfig's resolution). Exits 1 on any circle, naming it.
import madge from 'madge';

const result = await madge(['server', 'gateway', 'web', 'protocol'], {
  fileExtensions: ['ts', 'tsx'],
  tsConfig: 'tsconfig.json',
  detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
});
const found = result.circular().map((c) => c.join(' > '));
for (const c of found) process.stderr.write(`import circle: ${c}\n`);
process.stdout.write(`import circles: ${found.length}\n`);
process.exit(found.length ? 1 : 0);
