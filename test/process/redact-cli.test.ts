// `npx palisade redact` as an operator runs it, on the adversarial corpus: every identifier in odd
// shapes and scripts comes out as a placeholder, a value of an earlier line of the same conversation
// is found again without its cue, and `--operator mask` gives a person's masked view.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adversarialMessages, compact } from '../support/pii-leaks.ts';
import { runCli } from '../support/spawn.ts';

let env: Record<string, string>;
beforeAll(() => {
  env = { PALISADE_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-redact-')) };
});
afterAll(() => {
  fs.rmSync(env['PALISADE_DATA_DIR']!, { recursive: true, force: true });
});

const outputTexts = (stdout: string): string[] =>
  stdout
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { text: string }).text);

describe('palisade redact', () => {
  it('replaces every identifier of the adversarial corpus with a placeholder', async () => {
    const messages = adversarialMessages();
    const input = messages.map((m) => JSON.stringify({ text: m.text })).join('\n') + '\n';
    const { code, stdout, stderr } = await runCli(['redact'], env, input);
    expect(code, stderr).toBe(0);
    const out = outputTexts(stdout);
    expect(out).toHaveLength(messages.length);
    messages.forEach((m, i) => {
      for (const value of m.values)
        expect(compact(out[i]!), `${value} in line ${i + 1}`).not.toContain(compact(decodeURIComponent(value)));
      // Placeholders only: no partial mask of a card or an id goes out as the model's text.
      expect(out[i]).not.toMatch(/\*{2,}/);
    });
  }, 60_000);

  it('finds a name of an earlier line of the same conversation without its cue', async () => {
    const input = [
      { text: 'Hello, my name is Tendai Mukoko', conversation: 'c1' },
      { text: 'again: tendai mukoko, card still blocked', conversation: 'c1' },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n');
    const { code, stdout } = await runCli(['redact'], env, input + '\n');
    expect(code).toBe(0);
    expect(outputTexts(stdout)).toEqual(['Hello, my name is <PERSON_1>', 'again: <PERSON_1>, card still blocked']);
  }, 60_000);

  it('--operator mask gives a masked view for a person', async () => {
    const { code, stdout } = await runCli(
      ['redact', '--operator', 'mask'],
      env,
      JSON.stringify({ text: 'card 4539.1588.1399.8695' }) + '\n',
    );
    expect(code).toBe(0);
    expect(outputTexts(stdout)).toEqual(['card 4539.15**.****.8695']);
  }, 60_000);
});
