// Every provider, in one explicit map: nothing registers itself by being imported.
import type { Provider } from './types.ts';
import { extractive } from './extractive/provider.ts';
import { llamacpp } from './llamacpp/provider.ts';
import { ollama } from './ollama/provider.ts';
import { openai } from './openai/provider.ts';

export const providers = { llamacpp, ollama, openai, extractive } satisfies Record<string, Provider<never>>;
