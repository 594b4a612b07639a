// The visitor chat, built once at boot: the sites and consent texts (a bad policy file stops the
// start), the hub, the shared rate limits, the reply jobs, the visitor-token key. HTTP routes and the
// WebSocket both go through here, so a message takes the same way whichever door it came in by.
import type { Gateway } from '../../gateway/index.ts';
import type { SendMessage } from '../../protocol/widgetSchemas.ts';
import type { Infra } from '../infra.ts';
import { AppError } from '../errors.ts';
import { deriveKey } from '../keys.ts';
import { POLICIES_DIR } from '../policies.ts';
import { subjectErased } from '../privacy/errors.ts';
import { publishStaffEvent } from '../staff/live.ts';
import { cloudAllowed, consentRequired } from './consent.ts';
import { loadConsentTexts } from './consentText.ts';
import { ASSISTANT, type ChatEnv, chatTransaction, conversationView, publishMessages } from './env.ts';
import type { MessageView } from '../../protocol/widget.ts';
import { createChatHub } from './hub.ts';
import { chatLimits, type ChatLimits } from './limits.ts';
import { readMessage } from './messages.ts';
import { type MessageRow, presentMessage } from './present.ts';
import { answeredByAi, createReplies, type Replies, type ReplySnapshot } from './reply.ts';
import { loadSites, type Site } from './sites.ts';
import { attachToMessage } from './store/attachments.ts';
import { findConversation, visitorStanding } from './store/conversations.ts';
import { invalidVisitorToken, type VisitorClaims, verifyVisitorToken } from './tokens.ts';
import { flushTurnAudits, isClientIdConflict, lockTurn, readTurnTranscript, writeTurnMessage } from './turn.ts';

export interface Visitor extends VisitorClaims {
  siteConfig: Site;
}

export interface ChatService extends ChatEnv {
  replies: Replies;
  limits: ChatLimits;
  tokenKey: Uint8Array;
  /** token → visitor; 401 for a bad token, 410 once the subject is erased */
  authenticate(token: string | undefined): Promise<Visitor>;
  /** the appliance's own origin, the Host the request came on, the site's origins and WIDGET_ORIGINS */
  originAllowed(site: Site, origin: string | undefined, host: string | undefined): boolean;
  /** every origin any site allows (for CORS) */
  corsOrigins(): string[];
  /** a session from this address: 429 over the site's ipSessionsPerHour */
  limitSession(site: Site, ip: string): Promise<void>;
  send(props: {
    visitor: Visitor;
    input: SendMessage;
    ip: string;
    requestId?: string;
  }): Promise<{ message: MessageView; duplicate: boolean }>;
  close(): Promise<void>;
}

export const messageTooLong = (limit: number) =>
  new AppError(413, 'message_too_long', `A message may have at most ${limit} characters.`, [
    { path: 'text', message: `at most ${limit} characters` },
  ]);
export const conversationClosed = () =>
  new AppError(409, 'conversation_closed', 'This conversation is closed; start a new one.');
export const originNotAllowed = () =>
  new AppError(403, 'origin_not_allowed', 'This page may not embed the chat of this site.');
export const unknownAttachment = () =>
  new AppError(
    400,
    'unknown_attachment',
    'An attachment id is not one uploaded in this conversation, or it is already sent.',
  );

export function startChatService(deps: Infra, services: { gateway: Gateway }): ChatService {
  const dir = deps.config.models.policiesDir ?? POLICIES_DIR;
  const sites = loadSites(dir);
  const consent = loadConsentTexts(dir);
  const hub = createChatHub({
    bus: deps.cluster.bus,
    readState: async (id) => {
      const c = await findConversation(deps.db.dataSource, id);
      return c ? { type: 'state', conversation: conversationView({ sites, deps }, c) } : null;
    },
    onError: (event, fields) => deps.logger.warn(event, fields),
  });
  const env: ChatEnv = { deps, gateway: services.gateway, hub, sites, consent };
  const replies = createReplies(env);
  const limits = chatLimits(deps);
  const tokenKey = deriveKey(deps.secrets.masterKey, 'visitor-token');
  const ownOrigin = new URL(deps.config.publicUrl).origin;

  const service: ChatService = {
    ...env,
    replies,
    limits,
    tokenKey,

    async authenticate(token) {
      const claims = token ? await verifyVisitorToken(tokenKey, token) : null;
      const siteConfig = claims && sites.get(claims.site);
      if (!claims || !siteConfig) throw invalidVisitorToken();
      const row = await visitorStanding(deps.db.dataSource, claims.subjectId, claims.conversationId);
      if (!row) throw invalidVisitorToken();
      if (row.erasedAt) throw subjectErased();
      if (row.owner !== claims.subjectId || row.site !== claims.site) throw invalidVisitorToken();
      return { ...claims, siteConfig };
    },

    originAllowed(site, origin, host) {
      if (!origin) return true; // not a browser's cross-origin call: the token is what protects it
      if (origin === ownOrigin || (host && (origin === `http://${host}` || origin === `https://${host}`))) return true;
      return site.origins.includes(origin) || deps.config.http.widgetOrigins.includes(origin);
    },

    corsOrigins: () => [
      ...new Set([...deps.config.http.widgetOrigins, ...[...sites.values()].flatMap((s) => s.origins)]),
    ],

    limitSession: (site, ip) => limits.session(site, ip),

    async send({ visitor, input, ip, requestId }) {
      const site = visitor.siteConfig;
      await limits.message(site, visitor.subjectId, ip);
      const text = input.text.trim();
      if (text.length > site.limits.messageChars) throw messageTooLong(site.limits.messageChars);
      const attachmentIds = input.attachmentIds ?? [];
      if (!text && attachmentIds.length === 0)
        throw new AppError(400, 'validation_failed', 'The request is not valid: see issues.', [
          { path: 'text', message: 'write something or attach a file' },
        ]);
      const actor = { type: 'visitor' as const, id: visitor.subjectId };
      const attempt = () =>
        chatTransaction(
          service,
          actor,
          'message.send',
          async (
            ctx,
          ): Promise<{ message: MessageRow; duplicate: boolean; snapshot?: ReplySnapshot; withPeople?: boolean }> => {
            const turn = await lockTurn(ctx, visitor.conversationId, {
              consents: true,
              clientId: input.clientId,
              owner: visitor,
              transcript: true,
            });
            const { conversation, consents } = turn;
            if (conversation.status === 'closed') throw conversationClosed();
            if (consents!.version === null) throw consentRequired();
            if (turn.duplicate) {
              await flushTurnAudits(ctx, turn);
              return { message: await readMessage(ctx, conversation, turn.duplicate.seq), duplicate: true };
            }
            // The AI will answer this message: its transcript is read here, in the same transaction,
            // and handed to the reply job (a read on the assistant's behalf, audited as such).
            const answerable = answeredByAi(conversation) && consents!.ai_local;
            const earlier = answerable
              ? await readTurnTranscript(ctx, turn, { purpose: 'ai_answer', actor: ASSISTANT })
              : [];
            const message = await writeTurnMessage(ctx, turn, { role: 'visitor', text, clientId: input.clientId });
            if (attachmentIds.length) {
              const linked = await attachToMessage(ctx.tx, {
                messageId: message.id,
                conversationId: conversation.id,
                attachmentIds,
              });
              if (linked.length !== new Set(attachmentIds).size) throw unknownAttachment();
              message.attachments = linked;
            }
            const snapshot = answerable
              ? {
                  conversation,
                  messages: [...earlier, message],
                  cloud: cloudAllowed(consents!),
                  key: turn.key,
                  hasVault: turn.hasVault,
                }
              : undefined;
            return {
              message,
              duplicate: false,
              withPeople: conversation.status === 'handoff',
              ...(snapshot ? { snapshot } : {}),
            };
          },
          requestId,
        );
      const stored = await attempt().catch((error: unknown) => {
        if (isClientIdConflict(error)) return attempt();
        throw error;
      });
      if (!stored.duplicate) {
        publishMessages(service, visitor.conversationId, [stored.message]);
        // A conversation waiting for (or with) a person: the agents' consoles read it again.
        if (stored.withPeople) publishStaffEvent(deps, { type: 'conversation.changed', id: visitor.conversationId });
        replies.schedule(visitor.conversationId, requestId, stored.snapshot);
      }
      return { message: presentMessage(stored.message), duplicate: stored.duplicate };
    },

    async close() {
      hub.close();
      await replies.close();
    },
  };
  return service;
}
