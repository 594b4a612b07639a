// The alert rules shipped in ops/ name only metrics the appliance exports.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { watchChat } from './chat.ts';
import { createMetrics } from './registry.ts';

const RULES = path.resolve(import.meta.dirname, '../../ops/prometheus-alerts.yml');

describe('ops/prometheus-alerts.yml', () => {
  it('names only metrics the registry holds', async () => {
    const m = createMetrics();
    watchChat(m, { tap: () => () => undefined, connections: () => 0 });
    const exported = new Set((await m.registry.getMetricsAsJSON()).map((x) => x.name));
    const rules = (
      parse(fs.readFileSync(RULES, 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] }
    ).groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThan(5);
    const named = rules.flatMap((r) =>
      [...r.expr.matchAll(/\b(palisade_[a-z_]+)/g)].map((x) => x[1]!.replace(/_(bucket|count|sum)$/, '')),
    );
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((n) => !exported.has(n))).toEqual([]);
  });
});
