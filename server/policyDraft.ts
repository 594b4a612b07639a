// A draft of a policy file, checked by the parser the appliance runs at start for that file. Nothing
// in force is read or changed: replacing a file is the bank's change control; this tells the admin
// beforehand whether the appliance would take the draft, and every problem by its path in the file.
// Pure apart from routing's pool key files, which the start reads too (never shown, only judged).
import { parseRoutingPolicy } from '../gateway/routing/index.ts';
import { loadRedactionPolicyFromYamlText } from '../gateway/redaction/index.ts';
import { POLICY_FILES, type PolicyFileName } from '../protocol/system.ts';
import { parseSsoPolicy } from './auth/oidc/policy.ts';
import { parseConsentTexts } from './chat/consentText.ts';
import { parseSites } from './chat/sites.ts';
import { parseSynonyms } from './knowledge/synonyms.ts';
import { poolKeyProblem } from './models/pools.ts';
import type { PolicyIssue } from './policies.ts';
import { parseRetentionPolicy } from './privacy/retentionPolicy.ts';

/** Problems listed at most: a draft that is wrong everywhere is still one answer of bounded size. */
const MAX_ISSUES = 100;

/** Each file's start-up parse; it throws on a file the appliance would refuse. */
const PARSERS = {
  'routing.yaml': (text, file) => {
    const problem = poolKeyProblem(parseRoutingPolicy(text), file);
    if (problem) throw problem;
  },
  'consent.yaml': (text) => void parseConsentTexts(text),
  'retention.yaml': (text, file) => void parseRetentionPolicy(text, file),
  // No environment: a site's identity secret is read at start, and its absence is no error.
  'sites.yaml': (text) => void parseSites(text, {}),
  'redaction.yaml': (text) => void loadRedactionPolicyFromYamlText(text),
  'sso.yaml': (text) => void parseSsoPolicy(text),
  'kb-synonyms.yaml': (text) => void parseSynonyms(text),
} satisfies Record<PolicyFileName, (text: string, file: string) => void>;

export const isPolicyFile = (name: string): name is PolicyFileName =>
  (POLICY_FILES as readonly string[]).includes(name);

const firstLine = (s: string) => s.split('\n')[0]!.trim();

/** The problems an error of a parser names: its issues by path where it has them, else one for the file. */
export function issuesOf(error: unknown): PolicyIssue[] {
  const e = error as { name?: string; message?: string; issues?: unknown; path?: unknown; detail?: unknown };
  if (Array.isArray(e.issues) && e.issues.length > 0) {
    return (e.issues as { path: unknown; message: string }[]).map((i) => ({
      path: Array.isArray(i.path) ? i.path.map(String).join('.') || '(file)' : String(i.path),
      message: i.message,
    }));
  }
  if (e.name === 'RedactionPolicyError' && typeof e.path === 'string' && typeof e.detail === 'string')
    return [{ path: e.path, message: firstLine(e.detail) }];
  if (e.name === 'YAMLParseError') return [{ path: '(yaml)', message: firstLine(e.message ?? 'not valid YAML') }];
  return [{ path: '(file)', message: error instanceof Error ? firstLine(error.message) : 'cannot be read' }];
}

/** The draft's problems as the start would find them (none: the appliance would take it). */
export function checkPolicyDraft(file: PolicyFileName, text: string, dir: string): PolicyIssue[] {
  try {
    PARSERS[file](text, `${dir}/${file}`);
    return [];
  } catch (error) {
    return issuesOf(error).slice(0, MAX_ISSUES);
  }
}
