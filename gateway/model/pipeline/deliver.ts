// Step 5, rehydrate + scan: each delta of a model's answer has its placeholders put back from the
// vault as they complete and goes to the caller at once (in the provider's own callback: no async
// step per token); the raw answer is scanned for personal data the model produced on its own,
// sentence by sentence as it streams. A whole, clean answer is kept in the answer cache.
import type { AttemptOutput, EndRecord } from '../attempt.ts';
import { scanAhead } from '../scanAhead.ts';
import type { ChainTarget } from '../../routing/decide.ts';
import { createStreamRehydrator } from '../../redaction/rehydrate.ts';
import type { Vault } from '../../redaction/vault.ts';
import type { Run, Shared } from './state.ts';

export interface Delivery {
  output: AttemptOutput;
  /** some text reached the caller: another target would repeat or contradict it */
  delivered(): boolean;
  /** the text the rehydrator held back (a placeholder's start), to the caller at the answer's end */
  flush(): void;
  /** the scan's count on the record; the answer kept when whole and clean */
  finish(end: EndRecord, target: ChainTarget, cacheKey: string | undefined): Promise<void>;
}

export function openDelivery(shared: Shared, run: Run, vault: Vault): Delivery {
  const { clock, deps } = shared;
  const { out, record } = run;
  const attemptStart = clock.now();
  const rehydrator = createStreamRehydrator(vault);
  const scanner = deps.scanOutput ? scanAhead(deps.scanOutput, run.req.lang) : undefined;
  // Identifiers the model made up are masked before the rehydrator, so a vault value stays whole;
  // a vault value the model writes out becomes its placeholder (the rehydrator puts it back).
  const masker = deps.maskOutput?.(vault);
  let raw = '';
  let delivered = false;
  const output: AttemptOutput = {
    delta(text) {
      if (!delivered) record.firstTokenMs = Math.round(clock.now() - attemptStart);
      delivered = delivered || text.length > 0;
      raw += text;
      scanner?.grow(raw);
      const shown = rehydrator.push(masker ? masker.push(text) : text);
      return shown ? out.event({ type: 'delta', text: shown }) : true;
    },
    ...(out.drain ? { drain: (resume: () => void) => out.drain!(resume) } : {}),
  };
  return {
    output,
    delivered: () => delivered,
    flush() {
      const tail = (masker ? rehydrator.push(masker.end()) : '') + rehydrator.end();
      record.outputMasked = masker ? masker.count() : null;
      if (tail) out.event({ type: 'delta', text: tail });
    },
    async finish(end, target, cacheKey) {
      // Finished sentences were scanned while the answer streamed; what is left is usually the
      // last sentence, scanned at once (a long rest waits a turn: see scanAhead.ts).
      record.outputEntities = scanner ? await scanner.finish(raw) : null;
      // Cached only when the answer is whole, clean (the scan found nothing) and holds no value
      // put back from the vault (no placeholder was rehydrated: shown equals what the model wrote).
      const { restored, unknown } = rehydrator.stats();
      if (
        cacheKey &&
        shared.answers &&
        end.finishReason === 'stop' &&
        record.outputEntities === 0 &&
        !record.outputMasked &&
        restored + unknown === 0 &&
        raw.length > 0
      ) {
        shared.answers.set(cacheKey, {
          text: raw,
          targetId: target.id,
          provider: target.provider,
          model: target.model,
        });
      }
    },
  };
}
