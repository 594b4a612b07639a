// The chat screen: the log (committed messages by seq, the answer streaming in, messages still
// sending), live events, and the outbox that re-sends with the same clientId until acknowledged.
import { ApiError } from './api.ts';
import { renderComposer, type Composer } from './composer.ts';
import { h } from './dom.ts';
import { renderMessage, renderOffer, renderPending, renderStreaming } from './messageView.ts';
import type { PendingMessage } from './storage.ts';
import { OutboxSender } from './outbox.ts';
import { bannerText, newConversationButton, TypingLine } from './status.ts';
import { EventStream } from './stream.ts';
import type { ChatEvent, ConversationState, ConversationView, MessageView } from './types.ts';
import type { Host } from './host.ts';

/** At most one "visitor is typing" signal per this many ms; the agent's console shows it for a few seconds. */
const TYPING_SIGNAL_MS = 3000;

export class ChatScreen {
  readonly el = h('div', { class: 'panel-inner' });
  private readonly messages = new Map<number, MessageView>();
  private readonly failures = new Map<string, string>();
  private reply: { id: string; text: string } | null = null;
  private readonly stream: EventStream;
  private typingSentAt = 0;
  private log!: HTMLElement;
  private banner!: HTMLElement;
  private typing!: TypingLine;
  private composer: Composer | null = null;
  private stopped = false;

  constructor(
    private readonly host: Host,
    private state: ConversationState | null,
  ) {
    this.stream = new EventStream({
      base: host.base,
      token: () => host.token,
      after: () => this.lastSeq(),
      onEvent: (e) => this.onEvent(e),
      onReady: (c) => {
        // An answer cut off with the connection (its node may be gone) is never committed: the node
        // now serving resends one still streaming right after ready, and a regenerated one comes anew.
        this.dropReply();
        if (c) this.setConversation(c);
        this.nudge(); // back online: send what waits now
      },
      onStatus: (s) => {
        this.el.dataset.stream = s; // tests (and styles) can tell when live events flow
        if (s === 'down') this.setBanner(host.t('chat.reconnecting'));
        else if (s === 'open') this.refreshState();
      },
      onFatal: (id) => this.fatal(new ApiError(401, id, id, null)),
    });
  }

  start(): void {
    this.rebuild();
    void this.load().then(() => {
      if (this.stopped) return;
      this.stream.start();
      void this.flush();
    });
  }

  stop(): void {
    this.stopped = true;
    this.stream.stop();
    this.nudge();
  }

  private async load(): Promise<void> {
    if (this.state) return this.absorb(this.state);
    try {
      this.absorb(await this.host.call<ConversationState>('GET', '/api/widget/conversation'));
    } catch (err) {
      if (err instanceof ApiError && [401, 404, 410].includes(err.status)) this.fatal(err);
      else this.showError(this.host.errorText(err));
    }
  }

  private absorb(state: ConversationState): void {
    this.state = state;
    if (state.consents) this.host.consents = state.consents;
    this.setConversation(state.conversation);
    for (const m of state.messages) this.addMessage(m);
    if (state.reply) this.setReply(state.reply.id, state.reply.text);
  }

  /**
   * The resume cursor: the end of the unbroken run of seqs held. A message held past a gap (an ack,
   * or a message another node sent before this one arrived) does not move it, so a resume on any
   * node sends the missing ones (and the widget drops those it holds).
   */
  private lastSeq(): number {
    if (this.messages.size === 0) return 0;
    let seq = Math.min(...this.messages.keys());
    while (this.messages.has(seq + 1)) seq += 1;
    return seq;
  }

  private get conversation(): ConversationView | null {
    return this.host.conversation;
  }

  private outbox(): PendingMessage[] {
    const id = this.conversation?.id;
    return this.host.storage.outbox.filter((p) => p.conversationId === id);
  }

  /** Builds the whole screen from state: first render and after a language change. */
  rebuild(): void {
    const draft = this.composer?.textarea.value ?? '';
    this.log = h('div', {
      class: 'log',
      role: 'log',
      'aria-live': 'polite',
      'aria-label': this.host.t('chat.log'),
      tabindex: '0',
    });
    this.banner = h('div', { class: 'banner', role: 'status' });
    this.typing = new TypingLine(this.host);
    this.composer = renderComposer(
      this.host,
      (text, attachmentIds) => this.send(text, attachmentIds),
      () => this.typed(),
    );
    this.composer.textarea.value = draft;
    this.composer.update();
    const person = h(
      'button',
      { type: 'button', class: 'person', on: { click: () => void this.handoff() } },
      this.host.t('chat.person'),
    );
    this.el.replaceChildren(this.banner, this.log, this.typing.el, person, this.composer.el);
    const sorted = [...this.messages.values()].sort((a, b) => a.seq - b.seq);
    for (const m of sorted) this.log.append(this.renderOne(m));
    if (this.reply) this.log.append(renderStreaming(this.host, this.reply));
    for (const p of this.outbox()) this.log.append(renderPending(this.host, p, null));
    for (const [clientId, why] of this.failures)
      this.log.append(renderPending(this.host, { clientId, text: this.failedText.get(clientId) ?? '' }, why));
    this.refreshState();
    this.showOffer();
    this.scroll();
  }

  private readonly failedText = new Map<string, string>();

  private renderOne(m: MessageView): HTMLElement {
    return renderMessage(this.host, m, (msg, helpful) => void this.feedback(msg, helpful));
  }

  private scroll(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }

  private onEvent(e: ChatEvent): void {
    switch (e.type) {
      case 'message':
        return this.addMessage(e.message);
      case 'reply_start':
        this.setTyping(null);
        return this.setReply(e.replyId, '');
      case 'delta':
        return this.setReply(e.replyId, (this.reply?.id === e.replyId ? this.reply.text : '') + e.text);
      case 'reply_end':
        // A dropped answer (a person took over, or the model failed midway) is never committed:
        // its text must not linger. Otherwise the committed message replaces the bubble next.
        if (e.dropped && this.reply?.id === e.replyId) this.dropReply();
        return;
      case 'typing':
        return this.setTyping(e.by);
      case 'state':
        return this.setConversation(e.conversation);
      case 'error':
        if (e.clientId)
          this.failPending(e.clientId, this.host.errorText(new ApiError(400, e.error.id, e.error.message, null)));
        else this.showError(this.host.errorText(new ApiError(400, e.error.id, e.error.message, null)));
    }
  }

  /** Adds a committed message once (a resume may repeat it), in seq order. */
  private addMessage(m: MessageView): void {
    if (this.messages.has(m.seq)) return;
    this.messages.set(m.seq, m);
    if (m.role === 'visitor' && m.clientId) this.dropPending(m.clientId);
    if (m.role !== 'visitor') this.setTyping(null);
    const el = this.renderOne(m);
    // One answer streams at a time: the newest committed one ends whatever bubble streams (its own,
    // or one cut off with a node that died and was answered again under another id).
    const newest = m.seq >= Math.max(...this.messages.keys());
    if ((m.role === 'assistant' && newest) || this.reply?.id === m.id) this.dropReply();
    const later = [...this.log.querySelectorAll<HTMLElement>('[data-seq]')].find((n) => Number(n.dataset.seq) > m.seq);
    const firstLive = this.log.querySelector('[data-reply-id], [data-client-id]');
    this.log.insertBefore(el, later ?? firstLive);
    this.showOffer();
    this.scroll();
  }

  /** Yes / No under the newest message when it offers a person and the AI still answers; gone once anything follows. */
  private showOffer(): void {
    this.log.querySelector('.offer')?.remove();
    const newest = [...this.messages.values()].sort((a, b) => b.seq - a.seq)[0];
    if (!newest || newest.offer !== 'handoff' || this.conversation?.mode !== 'ai' || this.declined.has(newest.id))
      return;
    const el = this.log.querySelector<HTMLElement>(`[data-seq="${newest.seq}"]`);
    const offer = renderOffer(this.host, (yes) => {
      this.log.querySelector('.offer')?.remove();
      if (yes) return void this.handoff();
      this.declined.add(newest.id);
      this.composer?.textarea.focus();
    });
    el?.insertBefore(offer, el.querySelector('.feedback'));
    this.scroll();
  }

  private readonly declined = new Set<string>();

  private dropReply(): void {
    if (!this.reply) return;
    this.log.querySelector(`[data-reply-id="${CSS.escape(this.reply.id)}"]`)?.remove();
    this.reply = null;
  }

  private setReply(id: string, text: string): void {
    if (this.messages.size && [...this.messages.values()].some((m) => m.id === id)) return; // already committed
    if (this.reply && this.reply.id !== id) this.dropReply(); // one answer streams at a time
    this.reply = { id, text };
    const el = renderStreaming(this.host, this.reply);
    const old = this.log.querySelector(`[data-reply-id="${CSS.escape(id)}"]`);
    if (old) old.replaceWith(el);
    else this.log.insertBefore(el, this.log.querySelector('[data-client-id]'));
    this.scroll();
  }

  private setTyping(by: 'assistant' | 'agent' | null): void {
    this.typing.set(by);
  }

  private setConversation(c: ConversationView): void {
    const wasClosed = this.conversation?.status === 'closed';
    this.host.conversation = c;
    this.refreshState();
    this.showOffer();
    if (c.status === 'closed' && !wasClosed && c.rating === null && this.state) this.host.showRating();
  }

  private setBanner(text: string): void {
    if (this.banner.textContent !== text) this.banner.textContent = text;
  }

  /** The banner and the composer follow the conversation: queue, office hours, agent, closed. */
  private refreshState(): void {
    const c = this.conversation;
    if (!c || !this.composer) return;
    this.setBanner(bannerText(this.host, c));
    const closed = c.status === 'closed';
    this.composer.el.hidden = closed;
    // Waiting for or talking with a person already: the button would only repeat the request.
    this.el.querySelector<HTMLButtonElement>('.person')!.hidden = closed || c.mode !== 'ai';
    this.el.querySelector('.restart')?.remove();
    if (closed) this.el.append(newConversationButton(this.host, 'pad restart', () => void this.restart()));
  }

  private async restart(): Promise<void> {
    try {
      await this.host.newConversation();
    } catch (err) {
      this.showError(this.host.errorText(err));
    }
  }

  private showError(text: string): void {
    this.composer?.setError(text);
  }

  /** Tells a person waiting or answering that the visitor is typing (no text); the AI is not told. */
  private typed(): void {
    const mode = this.conversation?.mode;
    if ((mode !== 'queued' && mode !== 'agent') || Date.now() - this.typingSentAt < TYPING_SIGNAL_MS) return;
    this.typingSentAt = Date.now();
    this.host.call('POST', '/api/widget/typing').catch(() => {
      /* a lost signal only means the indicator does not show */
    });
  }

  private send(text: string, attachmentIds: string[]): boolean {
    const limit = this.host.config.site.limits.messageChars;
    if (text.length > limit) {
      this.showError(this.host.t('error.message_too_long', { max: limit }));
      return false;
    }
    const conversationId = this.conversation?.id;
    if (!conversationId) return false;
    this.log.querySelector('.offer')?.remove(); // typing on answers the offer too (the server reads a yes or a no)
    const pending: PendingMessage = { clientId: crypto.randomUUID(), text, attachmentIds, conversationId };
    // Stored before the first try: a reload or a crash mid-send re-sends it with the same clientId.
    this.host.storage.outbox = [...this.host.storage.outbox, pending];
    this.log.append(renderPending(this.host, pending, null));
    this.scroll();
    void this.flush();
    return true;
  }

  private dropPending(clientId: string): void {
    this.host.storage.outbox = this.host.storage.outbox.filter((p) => p.clientId !== clientId);
    this.log.querySelector(`[data-client-id="${CSS.escape(clientId)}"]`)?.remove();
  }

  private failPending(clientId: string, why: string): void {
    const p = this.host.storage.outbox.find((x) => x.clientId === clientId);
    const text = p?.text ?? this.failedText.get(clientId) ?? '';
    this.host.storage.outbox = this.host.storage.outbox.filter((x) => x.clientId !== clientId);
    this.failures.set(clientId, why);
    this.failedText.set(clientId, text);
    this.log
      .querySelector(`[data-client-id="${CSS.escape(clientId)}"]`)
      ?.replaceWith(renderPending(this.host, { clientId, text }, why));
    this.showError(why);
  }

  private nudge(): void {
    this.outbox_.nudge();
  }

  private flush(): Promise<void> {
    return this.outbox_.flush();
  }

  /** Sends the outbox in order, one at a time; a network failure retries the same clientId. */
  private readonly outbox_ = new OutboxSender({
    next: () => this.outbox()[0],
    stopped: () => this.stopped,
    deliver: async (next) => {
      const body = {
        clientId: next.clientId,
        text: next.text,
        ...(next.attachmentIds.length ? { attachmentIds: next.attachmentIds } : {}),
      };
      const res = await this.host.call<{ message: MessageView }>('POST', '/api/widget/messages', body);
      this.composer?.setError('');
      this.dropPending(next.clientId);
      this.addMessage(res.message);
    },
    retrying: (err) => this.showError(this.host.errorText(err)),
    failed: (next, err) => {
      if (err instanceof ApiError && [401, 410].includes(err.status)) {
        this.fatal(err);
        return 'stop';
      }
      this.failPending(next.clientId, this.host.errorText(err));
      if (err instanceof ApiError && err.id === 'conversation_closed' && this.conversation)
        this.setConversation({ ...this.conversation, status: 'closed', mode: 'closed' });
    },
  });

  private async feedback(m: MessageView, helpful: boolean): Promise<void> {
    try {
      const res = await this.host.call<{ message: MessageView }>(
        'POST',
        `/api/widget/messages/${encodeURIComponent(m.id)}/feedback`,
        { helpful },
      );
      const updated = { ...m, ...res.message };
      this.messages.set(m.seq, updated);
      const old = this.log.querySelector(`[data-seq="${m.seq}"]`);
      const el = this.renderOne(updated);
      old?.replaceWith(el);
      el.querySelector<HTMLButtonElement>(`.feedback button:nth-child(${helpful ? 1 : 2})`)?.focus();
      this.host.announce(this.host.t('chat.thanks'));
    } catch (err) {
      this.showError(this.host.errorText(err));
    }
  }

  private async handoff(): Promise<void> {
    try {
      const res = await this.host.call<{ conversation: ConversationView }>('POST', '/api/widget/handoff', {});
      this.setConversation(res.conversation);
    } catch (err) {
      this.showError(this.host.errorText(err));
    }
  }

  private fatal(err: ApiError): void {
    this.stop();
    this.host.forgetSession();
    this.el.replaceChildren(
      h('div', { class: 'pad' }, h('p', { class: 'error', role: 'alert' }, this.host.errorText(err))),
    );
    this.el.append(newConversationButton(this.host, 'pad', () => this.host.showConsent(null)));
  }
}
