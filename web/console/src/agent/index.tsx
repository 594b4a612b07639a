// The agent's workspace: the live queue of conversations handed to people, and the conversation
// open beside it (/console/agent/c/<id>). Loaded only for a user who may work conversations.
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n.ts';
import { path } from '../router.tsx';
import { ConversationPane } from './conversation.tsx';
import { FollowUps } from './followUps.tsx';
import { QueuePane } from './queue.tsx';
import { MyConversations, PresenceControl } from './workload.tsx';
import './agent.css';

export default function AgentWorkspace() {
  const open = /^\/agent\/c\/([0-9a-f-]{36})$/.exec(path.value)?.[1] ?? null;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!open) heading.current?.focus();
  }, [open]);
  return (
    <div class="agent">
      <section class="agent-queue" aria-labelledby="queue-title">
        <h1 id="queue-title" tabIndex={-1} ref={heading}>
          {t('agent.queue')}
        </h1>
        <PresenceControl />
        <MyConversations open={open} />
        <h2 class="queue-subtitle">{t('agent2.queueList')}</h2>
        <QueuePane open={open} />
        <FollowUps />
      </section>
      <div class="agent-main">
        {open ? <ConversationPane key={open} id={open} /> : <p class="muted">{t('agent.select')}</p>}
      </div>
    </div>
  );
}
