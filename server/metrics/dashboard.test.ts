// The Grafana dashboard shipped in ops/ queries only series that /metrics exports (the registry's
// text exposition, as a scrape reads it), and shows every palisade_ metric somewhere.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchChat } from './chat.ts';
import { createMetrics } from './registry.ts';

const DASHBOARD = path.resolve(import.meta.dirname, '../../ops/grafana-dashboard.json');

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { refId: string; expr: string; datasource?: { uid: string } }[];
}

/** name → type, from `# TYPE` lines of the exposition; a histogram's series are name_bucket, _count and _sum. */
async function exported(): Promise<Map<string, string>> {
  const m = createMetrics({ unsealed: async () => 0 });
  watchChat(m, { tap: () => () => undefined, connections: () => 0 });
  const text = await m.registry.metrics();
  const types = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((x) => [x[1]!, x[2]!]));
  const series = new Map(types);
  for (const [name, type] of types)
    if (type === 'histogram') for (const s of ['bucket', 'count', 'sum']) series.set(`${name}_${s}`, `${type} series`);
  return series;
}

describe('ops/grafana-dashboard.json', () => {
  const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as {
    uid: string;
    panels: Panel[];
    templating: { list: { name: string; query: unknown }[] };
  };
  const panels = dashboard.panels.filter((p) => p.type !== 'row');
  const exprs = [
    ...panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
    ...dashboard.templating.list.map((v) => JSON.stringify(v.query)),
  ];
  const named = [
    ...new Set(
      exprs.flatMap((e) => [...e.matchAll(/\b((?:palisade|process|nodejs)_[a-z0-9_]+)\b/g)].map((x) => x[1]!)),
    ),
  ];

  it('queries only series /metrics exports', async () => {
    const series = await exported();
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((n) => !series.has(n))).toEqual([]);
  });

  it('shows every palisade_ metric', async () => {
    const series = await exported();
    const shown = new Set(named.map((n) => n.replace(/_(bucket|count|sum)$/, '')));
    const own = [...series]
      .filter(([name, type]) => name.startsWith('palisade_') && !type.endsWith('series'))
      .map(([name]) => name);
    expect(own.length).toBeGreaterThan(15);
    expect(own.filter((n) => !shown.has(n))).toEqual([]);
  });

  it('is a dashboard Grafana imports: unique panel ids, every query on the chosen data source', () => {
    expect(dashboard.uid).toBe('palisade-appliance');
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      expect(p.datasource?.uid, p.title).toBe('${datasource}');
      for (const t of p.targets ?? []) expect(t.datasource?.uid, `${p.title} ${t.refId}`).toBe('${datasource}');
    }
  });
});
