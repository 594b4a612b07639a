// `npm run lint:circles`: import circles over server/, gateway/, web/ and protocol/, type imports
// counted (madge, the tsconfig's resolution). Exits 1 on any circle not listed below; the list
// names the circles still being taken apart and only shrinks: a listed one that is gone fails
// too, so it is struck from the list at once.
import madge from 'madge';

const KNOWN: string[] = [
  'gateway/model/gateway.ts > gateway/model/answerCache.ts',
  'server/cli/apiKeyCommands.ts > server/cli/commands.ts',
  'server/cli/commands.ts > server/cli/kb.ts',
  'server/cli/commands.ts > server/cli/privacyCommands.ts',
  'web/widget/src/attachments.ts > web/widget/src/widget.ts > web/widget/src/chat.ts > web/widget/src/composer.ts',
  'web/widget/src/widget.ts > web/widget/src/chat.ts > web/widget/src/composer.ts > web/widget/src/voice.ts',
  'web/widget/src/widget.ts > web/widget/src/chat.ts > web/widget/src/composer.ts',
  'web/widget/src/attachments.ts > web/widget/src/widget.ts > web/widget/src/chat.ts > web/widget/src/messageView.ts',
  'web/widget/src/widget.ts > web/widget/src/chat.ts > web/widget/src/messageView.ts',
  'web/widget/src/widget.ts > web/widget/src/chat.ts',
  'web/widget/src/widget.ts > web/widget/src/consent.ts',
  'web/widget/src/widget.ts > web/widget/src/menu.ts',
  'web/widget/src/widget.ts > web/widget/src/rating.ts',
];

const result = await madge(['server', 'gateway', 'web', 'protocol'], {
  fileExtensions: ['ts', 'tsx'],
  tsConfig: 'tsconfig.json',
  detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
});
const found = result.circular().map((c) => c.join(' > '));
const fresh = found.filter((c) => !KNOWN.includes(c));
const gone = KNOWN.filter((c) => !found.includes(c));
for (const c of fresh) process.stderr.write(`import circle: ${c}\n`);
for (const c of gone) process.stderr.write(`no longer a circle, strike it from test/support/circles.ts: ${c}\n`);
process.stdout.write(`import circles: ${found.length} (${KNOWN.length - gone.length} known, being removed)\n`);
process.exit(fresh.length || gone.length ? 1 : 0);
