// The gap loop stores a question only as the redaction engine leaves it. Callers pass the raw text;
// placeholders come from a throwaway vault, so what is stored cannot be turned back into the
// original. Fails closed: when redaction fails the caller gets an error and nothing is stored.
import path from 'node:path';
import {
  createDefaultRedactionEngine,
  type Lang,
  LANGS,
  type RedactionEngine,
  Vault,
} from '../../gateway/redaction/index.ts';
import type { Infra } from '../infra.ts';
import { AppError } from '../errors.ts';
import { deriveKey } from '../keys.ts';
import { loadRedactionPolicy, POLICIES_DIR } from '../policies.ts';

/** Raw question → the text that may be stored; throws redactionFailed() rather than return raw text. */
export type QuestionRedactor = (question: string, lang?: string) => Promise<string>;

export const redactionFailed = (reason: string) =>
  new AppError(503, 'redaction_failed', `The question could not be redacted (${reason}), so nothing was stored.`);

const isLang = (lang: string | undefined): lang is Lang =>
  lang !== undefined && (LANGS as readonly string[]).includes(lang);

export function questionRedactor(engine: RedactionEngine): QuestionRedactor {
  return async (question, lang) => {
    let outcome;
    try {
      // A language the engine does not know is left to its own detection, not refused.
      outcome = await engine.redact({ text: question, vault: new Vault(), ...(isLang(lang) ? { lang } : {}) });
    } catch {
      throw redactionFailed('internal');
    }
    if (!outcome.ok) throw redactionFailed(outcome.error.id);
    return outcome.text;
  };
}

// One redactor per app, built on first use with the same policy file and key as the model gateway.
const redactors = new WeakMap<Infra, QuestionRedactor>();

export function questionRedactorFor(deps: Infra): QuestionRedactor {
  let r = redactors.get(deps);
  if (!r) {
    let engine: RedactionEngine | undefined;
    r = async (question, lang) => {
      if (!engine) {
        try {
          const policy = loadRedactionPolicy(
            path.join(deps.config.models.policiesDir ?? POLICIES_DIR, 'redaction.yaml'),
          );
          engine = createDefaultRedactionEngine({
            policy,
            hmacKey: deriveKey(deps.secrets.masterKey, 'redaction-hmac'),
            analyzers: deps.analyzers,
          });
        } catch {
          throw redactionFailed('policy');
        }
      }
      return questionRedactor(engine)(question, lang);
    };
    redactors.set(deps, r);
  }
  return r;
}
