// What an agent sees of a transcript: every message through the redaction engine (the gateway's
// policy and key), one fresh Vault per read so one value keeps one placeholder within the transcript
// (`<CREDIT_CARD_1>` twice means the same card). The vault is thrown away: placeholders cannot be
// turned back; seeing a value is a separate, audited reveal. Fails closed per message.
// The conversation's stored vault (what the gateway masked for the model) is searched too: a value
// masked once stays masked wherever it recurs, even where the recognizers miss it this time.
import path from 'node:path';
import {
  createDefaultRedactionEngine,
  type Lang,
  LANGS,
  type RedactionEngine,
  type RedactionPolicy,
  Vault,
  type VaultSnapshot,
} from '../../gateway/redaction/index.ts';
import type { Infra } from '../infra.ts';
import { deriveKey } from '../keys.ts';
import { loadRedactionPolicy, POLICIES_DIR } from '../policies.ts';

export const REDACTION_FAILED_TEXT = '[hidden: redaction failed]';

export interface MaskedText {
  text: string;
  /** personal values found; null when redaction failed and the text is hidden */
  entities: number | null;
}

/** Texts → masked texts, in order, sharing one vault; `known`: the conversation's stored vault. */
export type TranscriptMasker = (
  texts: readonly string[],
  lang?: string | null,
  known?: VaultSnapshot,
) => Promise<MaskedText[]>;

const isLang = (lang: string | null | undefined): lang is Lang => !!lang && (LANGS as readonly string[]).includes(lang);
const hidden: MaskedText = { text: REDACTION_FAILED_TEXT, entities: null };

export function transcriptMasker(engine: RedactionEngine | null): TranscriptMasker {
  return async (texts, lang, snapshot) => {
    if (!engine) return texts.map(() => hidden);
    let known: Vault | undefined;
    try {
      known = snapshot ? Vault.fromJSON(snapshot) : undefined;
    } catch {
      // A stored vault that does not read is values we cannot look for: show none of the texts.
      return texts.map(() => hidden);
    }
    const vault = new Vault();
    const masked: MaskedText[] = [];
    // In order, one at a time: placeholder numbers follow the reading order of the transcript.
    for (const text of texts) {
      try {
        const outcome = await engine.redact({
          text,
          vault,
          ...(known ? { known } : {}),
          ...(isLang(lang) ? { lang } : {}),
        });
        masked.push(outcome.ok ? { text: outcome.text, entities: outcome.entities.length } : hidden);
      } catch {
        masked.push(hidden);
      }
    }
    return masked;
  };
}

/** The policy's thresholds, allow and deny lists, but every finding a numbered placeholder: an agent
 *  sees that two messages name the same card, and a partly masked value is no view of it. */
export function placeholdersOnly(policy: RedactionPolicy): RedactionPolicy {
  const entities = Object.fromEntries(
    Object.entries(policy.entities).map(([type, rule]) => [type, { ...rule, operator: 'placeholder' as const }]),
  );
  return { ...policy, default: { ...policy.default, operator: 'placeholder' }, entities };
}

// One engine per app, built on first use from the same policy file and key as the model gateway;
// a policy that does not load hides every text rather than show any raw (and is tried again next read).
const engines = new WeakMap<Infra, RedactionEngine>();

export function transcriptMaskerFor(deps: Infra): TranscriptMasker {
  let engine = engines.get(deps) ?? null;
  if (!engine) {
    try {
      const policy = placeholdersOnly(
        loadRedactionPolicy(path.join(deps.config.models.policiesDir ?? POLICIES_DIR, 'redaction.yaml')),
      );
      engine = createDefaultRedactionEngine({
        policy,
        hmacKey: deriveKey(deps.secrets.masterKey, 'redaction-hmac'),
        analyzers: deps.analyzers,
      });
      engines.set(deps, engine);
    } catch {
      engine = null;
    }
  }
  return transcriptMasker(engine);
}
