// `npx palisade <command>`: operator commands, with the same settings as the server.
import { commands, usage } from './commands.ts';
import { restrictUmask } from '../fileModes.ts';

// The CLI opens the same data directory as the server (and writes exports): owner-only files.
restrictUmask();

async function main(argv: string[]): Promise<number> {
  const [first, second] = argv;
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  const twoWord = second && !second.startsWith('-') ? `${first} ${second}` : undefined;
  const name = twoWord && twoWord in commands ? twoWord : first;
  const command = commands[name];
  if (!command) {
    process.stderr.write(`palisade: unknown command "${first}"\n\n${usage()}`);
    return 2;
  }
  const rest = argv.slice(name.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`palisade ${name} ${command.args}\n  ${command.summary}\n`);
    return 0;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`palisade: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
