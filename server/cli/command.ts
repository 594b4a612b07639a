// The CLI's contract and dispatcher. A command is a summary, a usage line and a run function; a
// group (`dsr`, `kb`, `api-key`, …) is a named set of commands. This file imports no command and
// nothing heavy: `--help` and `--version` answer without loading the database or the gateway, and
// each command loads what it needs when it runs.
import fs from 'node:fs';
import path from 'node:path';

export interface Command {
  summary: string;
  /** positionals and flags, as the usage line shows them */
  args: string;
  run(argv: string[]): Promise<number>;
}

export interface Group {
  summary: string;
  commands: Record<string, Command>;
}

/** Top-level names: a command (`migrate`) or a group of commands (`dsr` → `dsr list`, …). */
export type Registry = Record<string, Command | Group>;

export const CLI_ACTOR = { type: 'system' as const, id: 'cli' };

export const fail = (message: string, code = 2): number => {
  process.stderr.write(`palisade: ${message}\n`);
  return code;
};

const isGroup = (entry: Command | Group): entry is Group => 'commands' in entry;
const HELP_FLAGS = new Set(['--help', '-h']);
const PROG = 'npx palisade';

/** Every command by its full name (`audit verify`), in registry order. */
function flatten(registry: Registry): [string, Command][] {
  return Object.entries(registry).flatMap(([name, entry]) =>
    isGroup(entry)
      ? Object.entries(entry.commands).map(([sub, c]): [string, Command] => [`${name} ${sub}`, c])
      : [[name, entry]],
  );
}

export function usage(registry: Registry): string {
  const all = flatten(registry);
  const width = Math.max(...all.map(([k]) => k.length));
  return [
    `Usage: ${PROG} <command> [options]`,
    `       ${PROG} help <command>     usage of a command or group (also: <command> --help)`,
    `       ${PROG} --version`,
    '',
    'Commands:',
    ...all.map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Settings come from the same environment as the server (DATABASE_URL, or PALISADE_DATA_DIR for the',
    'embedded database). The embedded database opens in one process at a time: while the server runs on it,',
    'stop the server before running a command that reads or writes the database.',
    '',
  ].join('\n');
}

export function groupUsage(name: string, group: Group): string {
  const subs = Object.entries(group.commands);
  const width = Math.max(...subs.map(([k]) => k.length));
  return [
    `Usage: ${PROG} ${name} <subcommand> [options]`,
    '',
    group.summary,
    '',
    'Subcommands:',
    ...subs.flatMap(([sub, c]) => [
      `  ${sub.padEnd(width)}  ${c.args || '(no options)'}`,
      `  ${''.padEnd(width)}  ${c.summary}`,
    ]),
    '',
    `"${PROG} ${name} <subcommand> --help" shows one subcommand.`,
    '',
  ].join('\n');
}

export const commandUsage = (name: string, command: Command): string =>
  `Usage: ${PROG} ${name}${command.args ? ` ${command.args}` : ''}\n  ${command.summary}\n`;

/** The version in package.json, found from this file in the source tree or in the build folder. */
export function version(): string {
  let dir = import.meta.dirname;
  for (let up = 0; up < 6; up++, dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'palisade' && pkg.version) return pkg.version;
  }
  throw new Error('package.json of palisade not found');
}

const unknown = (what: string, help: string): number => {
  process.stderr.write(`palisade: unknown command "${what}"\n\n${help}`);
  return 2;
};

/** Help text for `help <name> [<sub>]`, or undefined when no such command exists. */
function helpFor(registry: Registry, name: string, sub: string | undefined): string | undefined {
  const entry = Object.hasOwn(registry, name) ? registry[name] : undefined;
  if (!entry) return undefined;
  if (!isGroup(entry)) return sub === undefined ? commandUsage(name, entry) : undefined;
  if (sub === undefined) return groupUsage(name, entry);
  return Object.hasOwn(entry.commands, sub) ? commandUsage(`${name} ${sub}`, entry.commands[sub]!) : undefined;
}

/** Runs argv (without node and the script) against the registry; resolves to the exit code. */
export async function dispatch(registry: Registry, argv: string[]): Promise<number> {
  const [first, second] = argv;
  if (first === undefined || HELP_FLAGS.has(first) || (first === 'help' && second === undefined)) {
    process.stdout.write(usage(registry));
    return 0;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (first === 'help') {
    const text = helpFor(registry, second!, argv[2]);
    if (!text) return unknown(argv.slice(1).join(' '), usage(registry));
    process.stdout.write(text);
    return 0;
  }
  const entry = Object.hasOwn(registry, first) ? registry[first] : undefined;
  if (!entry) return unknown(first, usage(registry));
  let name = first;
  let command: Command;
  if (isGroup(entry)) {
    if (second === undefined || HELP_FLAGS.has(second) || second === 'help') {
      if (second === undefined) {
        process.stderr.write(`palisade: "${first}" needs a subcommand\n\n${groupUsage(first, entry)}`);
        return 2;
      }
      process.stdout.write(groupUsage(first, entry));
      return 0;
    }
    if (!Object.hasOwn(entry.commands, second)) return unknown(`${first} ${second}`, groupUsage(first, entry));
    name = `${first} ${second}`;
    command = entry.commands[second]!;
  } else {
    command = entry;
  }
  const rest = argv.slice(name.split(' ').length);
  if (rest.some((a) => HELP_FLAGS.has(a))) {
    process.stdout.write(commandUsage(name, command));
    return 0;
  }
  return command.run(rest);
}
