// `npx palisade kb import` and `kb search` as an operator runs them: a folder with good and bad
// files (report per file, exit 1, good ones imported), then a search that prints citations and
// an answer, and "I don't know" for a question the articles do not cover.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runCli } from '../support/spawn.ts';
import { makeZip } from '../support/zip.ts';

let db: TestDatabase;
let dataDir: string;
let folder: string;
let env: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase();
  if (db.pglite) await db.pglite.close(); // the CLI opens its own embedded database in dataDir
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-kbcli-'));
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-kbdocs-'));
  fs.mkdirSync(path.join(folder, 'cards'));
  fs.writeFileSync(
    path.join(folder, 'cards', 'lost.md'),
    '# Lost card\n\n## Freeze your card\nFreeze a lost card in the app under Cards › Freeze.\n',
  );
  fs.writeFileSync(
    path.join(folder, 'hours.html'),
    '<title>Opening hours</title><h2>Weekdays</h2><p>Branches open 9 to 5.</p><script>alert(1)</script>',
  );
  fs.writeFileSync(path.join(folder, 'bad.json'), '{"faq": [');
  env = { PALISADE_DATA_DIR: dataDir, ...db.env };
});
afterAll(async () => {
  await db.drop().catch(() => undefined);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(folder, { recursive: true, force: true });
});

it('imports a folder, reporting the bad file and keeping the good ones', async () => {
  const r = await runCli(['kb', 'import', folder, '--audience', 'public'], env);
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/FAILED\s+bad\.json: bad_faq/);
  expect(r.stdout).toMatch(/created\s+cards\/lost\.md → cards\/lost \(1 passages\)/);
  expect(r.stdout).toContain('2 created, 0 updated, 0 unchanged, 1 failed');
  // A file's slug is its path under the folder imported: importing the same folder again changes nothing.
  const again = await runCli(['kb', 'import', folder], env);
  expect(again.stdout).toContain('0 created, 0 updated, 2 unchanged, 1 failed');
});

it('imports a .zip, reporting the entry that climbs out of the archive', async () => {
  const zip = path.join(folder, '..', `${path.basename(folder)}-kit.zip`);
  fs.writeFileSync(
    zip,
    makeZip([
      {
        name: 'atm/deposit.md',
        content: '# Cash deposits\n\n## Depositing cash at an ATM\nDeposit notes at any ATM marked Cash In.\n',
      },
      { name: '../../outside.md', content: '# Outside' },
    ]),
  );
  try {
    const r = await runCli(['kb', 'import', zip, '--audience', 'public'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/created\s+\S+-kit\.zip:atm\/deposit\.md → atm\/deposit \(1 passages\)/);
    expect(r.stdout).toMatch(/FAILED\s+\S+-kit\.zip:\.\.\/\.\.\/outside\.md: zip_entry_path/);
    expect(r.stdout).toContain('1 created, 0 updated, 0 unchanged, 1 failed');
  } finally {
    fs.rmSync(zip, { force: true });
  }
});

it('searches with scores and citations, and says it does not know otherwise', async () => {
  const r = await runCli(['kb', 'search', 'how do i freeze a lost card'], env);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/\[1\] score [\d.]+ confidence [\d.]+ {2}Lost card › Freeze your card/);
  expect(r.stdout).toMatch(/article [0-9a-f-]{36} version [0-9a-f-]{36}/);
  expect(r.stdout).toMatch(/answer: \[1\]/);
  const unknown = await runCli(['kb', 'search', 'can I buy bitcoin'], env);
  expect(unknown.stdout).toMatch(/answer: I don't know/);
});
