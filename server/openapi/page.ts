// /api/docs: the OpenAPI document as one plain HTML page (no script, no style: the app's CSP holds),
// for people who read the API rather than generate clients from it.
import type { OpenApiDocument, OpenApiOperation } from './document.ts';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const fieldsOf = (schema: Record<string, unknown> | undefined): string => {
  const props = schema?.properties as Record<string, unknown> | undefined;
  if (!props) return '';
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  return Object.keys(props)
    .map((k) => (required.has(k) ? k : `${k}?`))
    .join(', ');
};

const who = (op: OpenApiOperation) =>
  op.security.length ? op.security.map((s) => Object.keys(s).join('+')).join(' or ') : 'anyone';

export function renderApiPage(doc: OpenApiDocument): string {
  const rows: string[] = [];
  for (const tag of doc.tags) {
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, op]) => op.tags.includes(tag.name))
        .map(([m, op]) => ({ path, m, op })),
    );
    if (!ops.length) continue;
    rows.push(
      `<h2 id="${escape(tag.name)}">${escape(tag.name)}</h2><p>${escape(tag.description)}</p><table><tr><th>method</th><th>path</th><th>who</th><th>query</th><th>body</th></tr>`,
    );
    for (const { path, m, op } of ops) {
      const query = (op.parameters ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => (p.required ? p.name : `${p.name}?`))
        .join(', ');
      const body = op.requestBody
        ? Object.entries(op.requestBody.content)
            .map(([type, c]) => (type === 'application/json' ? `{${fieldsOf(c.schema)}}` : type))
            .join(' ')
        : '';
      rows.push(
        `<tr><td>${m.toUpperCase()}</td><td><code>${escape(path)}</code></td><td>${escape(who(op))}</td><td>${escape(query)}</td><td>${escape(body)}</td></tr>`,
      );
    }
    rows.push('</table>');
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(doc.info.title)} HTTP API ${escape(doc.info.version)}</title></head><body>
<h1>${escape(doc.info.title)} HTTP API ${escape(doc.info.version)}</h1><p>${escape(doc.info.description)} Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
${rows.join('\n')}
</body></html>`;
}
