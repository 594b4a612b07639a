// The agent's transcript view searches the conversation's stored vault: a value the gateway masked
// for the model in an earlier turn stays masked wherever it recurs, even where the recognizers miss
// it this time ("again: zorvath quellen" has no cue). The vault read is on the audit record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withConversationVault } from '../../gateway/redaction/vault-store.ts';
import type { MessageView } from '../../protocol/widget.ts';
import { handOff } from '../../server/chat/handoff.ts';
import { createConversation, storeMessage } from '../../server/privacy/conversations.ts';
import { createDataSubject } from '../../server/privacy/subjects.ts';
import { DbVaultStore } from '../../server/privacy/vaultStore.ts';
import { auditCount } from '../support/audit.ts';
import { inTx } from '../support/privacy.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

const PASSWORD = 'correct horse battery staple';
const TEXTS = [
  'again: zorvath quellen, the card 4111-1111-1111-1111 is still blocked',
  'Zorvath Quellen here, any news?',
];

let server: TestServer;
let token = '';

type Body = { messages: MessageView[] };
const call = (method: string, path: string) => api<Body>(server, method, `/api/agent${path}`, { token });

/** A queued conversation whose stored vault (as the gateway leaves it) holds `vaulted`. */
async function seed(vaulted: [type: 'PERSON' | 'CREDIT_CARD', value: string][]): Promise<string> {
  return inTx(server, async (ctx) => {
    const subject = await createDataSubject(ctx, [{ kind: 'visitor', value: crypto.randomUUID() }]);
    const c = await createConversation(ctx, {
      subjectId: subject.id,
      site: 'retail',
      retentionClass: 'standard',
      language: 'en',
    });
    for (const text of TEXTS) await storeMessage(ctx, { conversationId: c.id, role: 'visitor', text });
    if (vaulted.length > 0)
      await withConversationVault(new DbVaultStore(ctx), c.id, async (vault) =>
        vaulted.forEach(([type, value]) => vault.placeholderFor(type, value)),
      );
    await handOff({
      ctx,
      conversationId: c.id,
      reason: 'visitor_request',
      queue: 'retail',
      language: 'en',
      openNow: true,
    });
    return c.id;
  });
}

beforeAll(async () => {
  server = await startTestServer({ RETENTION_INTERVAL_SECONDS: '0' });
  await seedStaff(server, { email: 'anna@bank.example', password: PASSWORD, role: 'agent', displayName: 'Anna' });
  token = (await bearerLogin(server, 'anna@bank.example', PASSWORD)).accessToken;
});
afterAll(async () => {
  await server?.stop();
});

describe('agent transcript and the conversation vault', () => {
  it('without a stored vault, the cue-less repeat is what the recognizers make of it', async () => {
    const id = await seed([]);
    const res = await call('GET', `/conversations/${id}/transcript`);
    expect(res.status).toBe(200);
    // The card is found by shape; the lower-case name with no cue is not (so the next test can fail).
    expect(res.body.messages[0]?.text).toBe('again: zorvath quellen, the card <CREDIT_CARD_1> is still blocked');
  });

  it('masks every recurrence of a vaulted value, and audits the vault read', async () => {
    const id = await seed([
      ['PERSON', 'Zorvath Quellen'],
      ['CREDIT_CARD', '4111 1111 1111 1111'],
    ]);
    const before = await auditCount(server, `action = 'vault.read' AND resource_id = $1 AND actor_type = 'staff'`, [
      id,
    ]);
    const res = await call('GET', `/conversations/${id}/transcript`);
    expect(res.status).toBe(200);
    expect(res.text).not.toMatch(/zorvath|quellen|4111/i);
    const visitor = res.body.messages.filter((m) => m.role === 'visitor').map((m) => m.text);
    expect(visitor).toEqual([
      'again: <PERSON_1>, the card <CREDIT_CARD_1> is still blocked',
      '<PERSON_1> here, any news?',
    ]);
    expect(await auditCount(server, `action = 'vault.read' AND resource_id = $1 AND actor_type = 'staff'`, [id])).toBe(
      before + 1,
    );
  });
});
