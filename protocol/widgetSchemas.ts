// The widget API's request bodies and query strings as zod schemas: the server validates with them
// and the widget may name their types (type-only imports keep zod out of the widget's bundle).
import { z } from 'zod';
import { PURPOSES, type Purpose } from './widget.ts';

/** GET /api/widget/config */
export const ConfigQuery = z.object({ site: z.string().min(1).max(64), lang: z.string().min(2).max(35).optional() });
export type ConfigQuery = z.infer<typeof ConfigQuery>;

/** POST /api/widget/sessions */
export const CreateSession = z.strictObject({
  site: z.string().min(1).max(64),
  language: z.string().min(2).max(35).optional(),
  identity: z
    .strictObject({
      customerId: z.string().trim().min(1).max(128),
      signature: z.string().regex(/^[0-9a-fA-F]{64}$/, { message: 'must be a hex HMAC-SHA256' }),
    })
    .optional(),
});
export type CreateSession = z.infer<typeof CreateSession>;

/** PUT /api/widget/consents: the decisions on the text version the config answered. */
export const ConsentDecisions = z.strictObject({
  version: z.string().min(1).max(64),
  hash: z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be the SHA-256 (hex) the config answered' }),
  language: z.string().min(2).max(35),
  decisions: z.strictObject(Object.fromEntries(PURPOSES.map((p) => [p, z.boolean()])) as Record<Purpose, z.ZodBoolean>),
});
export type ConsentDecisions = z.infer<typeof ConsentDecisions>;

/** POST /api/widget/messages (or a `send` frame on the WebSocket) */
export const SendMessage = z.strictObject({
  clientId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, { message: 'must be a UUID (or 8-64 letters, digits, _ and -)' }),
  text: z.string().max(100_000).default(''),
  attachmentIds: z.array(z.uuid()).max(10).optional(),
});
export type SendMessage = z.infer<typeof SendMessage>;

/** POST /api/widget/messages/:id/feedback */
export const Feedback = z.strictObject({ helpful: z.boolean() });
export type Feedback = z.infer<typeof Feedback>;

/** POST /api/widget/rating */
export const Rating = z.strictObject({ score: z.number().int().min(1).max(5) });
export type Rating = z.infer<typeof Rating>;

/** POST /api/widget/me/erasure */
export const Erasure = z.strictObject({ confirm: z.literal(true) });

/** GET /api/widget/events: resume after a seq */
export const EventsQuery = z.object({
  after: z
    .string()
    .regex(/^\d{1,15}$/)
    .optional(),
});
export type EventsQuery = z.infer<typeof EventsQuery>;
