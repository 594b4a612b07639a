// Every CLI command, in the order `npx palisade --help` lists them.
import type { Registry } from '../command.ts';
import { apiKey } from './apiKey.ts';
import { audit } from './audit.ts';
import { backup } from './backup.ts';
import { createAdmin } from './createAdmin.ts';
import { dsr } from './dsr.ts';
import { evidence } from './evidence.ts';
import { kb } from './kb.ts';
import { keys } from './keys.ts';
import { migrate } from './migrate.ts';
import { redact } from './redact.ts';
import { restore } from './restore.ts';
import { retention } from './retention.ts';

export const registry = {
  kb,
  redact,
  migrate,
  'create-admin': createAdmin,
  audit,
  dsr,
  retention,
  evidence,
  backup,
  restore,
  keys,
  'api-key': apiKey,
} satisfies Registry;
