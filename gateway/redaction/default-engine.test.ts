// Integration: the stock analyzer (every recognizer) behind the engine, the shipped policy,
// rehydration and the CLI, end to end.
import { readFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createAnalyzer } from './analyzer.ts';
import { runRedactCli } from './cli.ts';
import { createDefaultRedactionEngine } from './default-engine.ts';
import { scanModelOutput } from './output-scan.ts';
import { loadRedactionPolicyFromYamlText } from './policy.ts';
import { createStreamRehydrator, rehydrate } from './rehydrate.ts';
import { Vault } from './vault.ts';

const policy = loadRedactionPolicyFromYamlText(
  readFileSync(new URL('../../policies/redaction.yaml', import.meta.url), 'utf8'),
);
const engine = createDefaultRedactionEngine({ policy, hmacKey: new Uint8Array(32).fill(9) });

describe('default redaction engine (real analyzer, shipped policy)', () => {
  it('redacts a multi-turn, multi-language conversation with stable placeholders', async () => {
    const vault = new Vault();
    const turns = [
      'Hi, I am Alice Smith, my email is alice.smith@example.com. IBAN GB82 WEST 1234 5698 7654 32.',
      'Sorry, again: ALICE.SMITH@example.com and GB82WEST12345698765432, card 4111 1111 1111 1111',
      '我叫张伟，手机 138-0013-8000，身份证 11010519491231002X',
      '手机是１３８００１３８０００',
    ];
    const out: string[] = [];
    for (const text of turns) {
      const result = await engine.redact({ text, vault });
      if (!result.ok) throw new Error(result.error.message);
      out.push(result.text);
    }
    expect(out[0]).toBe('Hi, I am <PERSON_1>, my email is <EMAIL_1>. IBAN <IBAN_1>.');
    expect(out[1]).toBe('Sorry, again: <EMAIL_1> and <IBAN_1>, card <CREDIT_CARD_1>');
    expect(out[2]).toBe('我叫<PERSON_2>，手机 <PHONE_1>，身份证 <CN_RESIDENT_ID_1>');
    expect(out[3]).toBe('手机是<PHONE_1>');
  });

  it('leaves the company hotline and mailbox alone and redacts the deny-listed programme', async () => {
    const text = 'Call +44 20 7946 0000 or write to support@demo-bank.example about Project Nightingale.';
    const result = await engine.redact({ text, vault: new Vault() });
    expect(result).toMatchObject({
      ok: true,
      text: 'Call +44 20 7946 0000 or write to support@demo-bank.example about <ORGANIZATION_1>.',
    });
  });

  it('round-trips through a model reply, streamed one character at a time', async () => {
    const vault = new Vault();
    const result = await engine.redact({
      text: 'Mein Name ist Hans Müller, IBAN DE89 3704 0044 0532 0130 00',
      lang: 'de',
      vault,
    });
    if (!result.ok) throw new Error(result.error.message);
    const reply = 'Danke, <PERSON_1>. Die Überweisung von < IBAN_1 > ist unterwegs.';
    const stream = createStreamRehydrator(vault);
    const streamed = [...reply].map((ch) => stream.push(ch)).join('') + stream.end();
    expect(streamed).toBe('Danke, Hans Müller. Die Überweisung von DE89 3704 0044 0532 0130 00 ist unterwegs.');
    expect(streamed).toBe(rehydrate(reply, vault));
  });

  it('the output scan finds personal data the model made up', async () => {
    const scan = await scanModelOutput({
      analyzer: createAnalyzer(),
      policy,
      text: 'Dear <PERSON_1>, write to bob@example.org.',
    });
    expect(scan).toMatchObject({ ok: true, total: 1, counts: { EMAIL: 1 } });
  });

  it('drives the CLI', async () => {
    const output = new PassThrough();
    let raw = '';
    output.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    const input = Readable.from([
      '{"text":"email me at jane.doe@example.com"}\nnot json\n{"text":"身份证 11010519491231002X","lang":"zh"}\n',
    ]);
    expect(await runRedactCli({ input, output, engine })).toEqual({ lines: 3, errors: 1 });
    const lines = raw
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { text?: string });
    expect(lines.map((l) => l.text)).toEqual(['email me at <EMAIL_1>', undefined, '身份证 <CN_RESIDENT_ID_1>']);
  });
});
