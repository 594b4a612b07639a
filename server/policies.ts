// Reads the policy files in policies/ and hands typed values to the gateway. A bad file is a
// clear error naming the file and the problem, never ignored.
import fs from 'node:fs';
import path from 'node:path';
import { loadRedactionPolicyFromYamlText, type RedactionPolicy } from '../gateway/redaction/index.ts';

export const POLICIES_DIR = path.resolve(import.meta.dirname, '../policies');

/** One problem of a policy file, by its path in the file (`targets.local.contextTokens`). */
export interface PolicyIssue {
  path: string;
  message: string;
}

export class PolicyFileError extends Error {
  constructor(
    file: string,
    problem: string,
    readonly issues: PolicyIssue[] = [],
  ) {
    super(`policy file ${file}: ${problem}`);
    this.name = 'PolicyFileError';
  }
}

/** A file's schema refused it: every problem by its path, and one message naming them all. */
export class PolicyInvalid extends Error {
  override name = 'PolicyInvalid';
  readonly issues: PolicyIssue[];
  constructor(issues: readonly { path: readonly PropertyKey[]; message: string }[]) {
    const found = issues.map((i) => ({ path: i.path.map(String).join('.') || '(file)', message: i.message }));
    super(found.map((i) => `${i.path}: ${i.message}`).join('; '));
    this.issues = found;
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
