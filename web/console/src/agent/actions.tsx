// What the agent holding a conversation does with it: release it to the AI, close it, or transfer
// it, to a named agent (the list shows who is available and how many conversations each holds) or
// back to a queue. Each action returns the agent to the workspace.
import { useEffect, useState } from 'preact/hooks';
import {
  type AgentConversation,
  type AgentOnDuty,
  AgentsAnswer,
  ConversationAnswer,
} from '../../../../protocol/agent.ts';
import { call } from '../api.ts';
import { t } from '../i18n.ts';
import { subscribe } from '../live.ts';
import { navigate } from '../router.tsx';
import { me } from '../session.ts';
import { ErrorNote, Field, useAction } from '../ui.tsx';

/** The agents one may hand a conversation to (everyone but oneself), kept current on the staff channel. */
export function useAgents(): AgentOnDuty[] {
  const [agents, setAgents] = useState<AgentOnDuty[]>([]);
  useEffect(() => {
    const load = () =>
      call(AgentsAnswer, 'GET', '/api/agent/agents').then(
        (a) => setAgents(a.agents),
        () => setAgents([]),
      );
    void load();
    const offAgents = subscribe('agents', () => void load());
    const offQueue = subscribe('queue', () => void load());
    return () => (offAgents(), offQueue());
  }, []);
  return agents;
}

export function Actions({ conversation: c }: { conversation: AgentConversation }) {
  const { busy, error, run } = useAction();
  const [queue, setQueue] = useState(c.queue ?? '');
  const agents = useAgents().filter((a) => a.id !== me.value?.user.id);
  const [agentId, setAgentId] = useState('');
  const act = (name: 'release' | 'close' | 'transfer', body: object = {}) =>
    run(async () => {
      await call(ConversationAnswer, 'POST', `/api/agent/conversations/${c.id}/${name}`, body);
      navigate('/agent');
    });
  return (
    <div class="conversation-actions">
      <div class="actions">
        <button type="button" disabled={busy} onClick={() => act('release')}>
          {t('agent.release')}
        </button>
        <button type="button" class="danger" disabled={busy} onClick={() => act('close')}>
          {t('agent.close')}
        </button>
      </div>
      <form
        class="actions"
        aria-label={t('agent2.transferAgent')}
        onSubmit={(e) => {
          e.preventDefault();
          void act('transfer', { agentId });
        }}
      >
        <Field label={t('agent2.transferTo')} id="transfer-agent">
          <select id="transfer-agent" required value={agentId} onChange={(e) => setAgentId(e.currentTarget.value)}>
            <option value="">{t('agent2.transferChoose')}</option>
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {t(`agent2.agentOption.${a.presence}`, { name: a.name, n: a.active })}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" disabled={busy}>
          {t('agent2.transferAgent')}
        </button>
      </form>
      <form
        class="actions"
        aria-label={t('agent.transfer')}
        onSubmit={(e) => {
          e.preventDefault();
          void act('transfer', { queue });
        }}
      >
        <Field label={t('agent.transferQueue')} id="transfer-queue">
          <input
            id="transfer-queue"
            value={queue}
            pattern="[a-z0-9_\-]{1,64}"
            required
            onInput={(e) => setQueue(e.currentTarget.value)}
          />
        </Field>
        <button type="submit" disabled={busy}>
          {t('agent.transfer')}
        </button>
      </form>
      <ErrorNote error={error} />
    </div>
  );
}
