// Reads the policy files in policies/ and hands typed values to the gateway. A bad file is a
// clear error naming the file and the problem, never ignored.
import fs from 'node:fs';
import path from 'node:path';
import { loadRedactionPolicyFromYamlText, type RedactionPolicy } from '../gateway/redaction/index.ts';

export const POLICIES_DIR = path.resolve(import.meta.dirname, '../policies');

export class PolicyFileError extends Error {
  constructor(file: string, problem: string) {
    super(`policy file ${file}: ${problem}`);
    this.name = 'PolicyFileError';
  }
}

/** Reads a policy file and parses it; any failure names the file and the problem. */
export function readPolicyFile<T>(file: string, parse: (text: string) => T): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new PolicyFileError(file, 'cannot be read');
  }
  try {
    return parse(text);
  } catch (err) {
    throw new PolicyFileError(file, err instanceof Error ? err.message : String(err));
  }
}

export function loadRedactionPolicy(file = path.join(POLICIES_DIR, 'redaction.yaml')): RedactionPolicy {
  return readPolicyFile(file, loadRedactionPolicyFromYamlText);
}
