// The signed-in user and what they may do (from GET /api/auth/me, computed by the server's rules).
import { computed, signal } from '@preact/signals';
import type { Me } from '../../../protocol/staff.ts';

export const me = signal<Me | null>(null);
/** why the last session ended without the user signing out (an id: session_revoked, token_invalid, …) */
export const endedBecause = signal<string | null>(null);

export const can = (capability: string) => me.value?.capabilities.includes(capability) ?? false;
export const signedIn = computed(() => me.value !== null);

export function sessionEnded(reason: string): void {
  if (me.value) endedBecause.value = reason;
  me.value = null;
}
