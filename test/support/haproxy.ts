// Debian's HAProxy in front of a test's nodes, configured from ops/haproxy.cfg as an operator would:
// the test's ports, quicker health checks (yet a slow /readyz on a loaded machine is no death), and
// the serving node named in an X-Node header.
// `haproxyPath` is null where HAProxy is not installed (CI installs it).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Node } from './nodes.ts';
import { freePort } from './spawn.ts';

export const haproxyPath = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
})();

export interface Balancer {
  url: string;
  stop(): void;
}

/**
 * Starts HAProxy before `nodes` and resolves once /readyz through it has answered from each.
 * `checks: 'ops'` keeps ops/haproxy.cfg's health checks (a loaded benchmark must not flap nodes).
 */
export async function startHaproxy(nodes: Node[], opts: { checks?: 'quick' | 'ops' } = {}): Promise<Balancer> {
  if (!haproxyPath) throw new Error('haproxy is not installed');
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-haproxy-'));
  const servers = nodes.map((n) => `    server ${n.name} 127.0.0.1:${n.port} check`).join('\n');
  const cfg = fs
    .readFileSync(path.resolve(import.meta.dirname, '../../ops/haproxy.cfg'), 'utf8')
    .replace(/^\s*log .*$/gm, '')
    .replace('bind :8080', `bind 127.0.0.1:${port}`)
    .replace('inter 2s fall 2 rise 2', opts.checks === 'ops' ? 'inter 2s fall 2 rise 2' : 'inter 500ms fall 3 rise 1')
    .replace(/^\s*server node-a .*\n/m, '')
    .replace(/^\s*server node-b .*$/m, `${servers}\n    http-response set-header X-Node %s`)
    .replace('maxconn 20000', 'maxconn 2000');
  fs.writeFileSync(path.join(dir, 'haproxy.cfg'), cfg);
  const proxy = spawn(haproxyPath, ['-db', '-f', path.join(dir, 'haproxy.cfg')], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const stop = () => {
    proxy.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const seen = new Set<string>();
  for (let i = 0; i < 150 && seen.size < nodes.length; i++) {
    const r = await fetch(`${url}/readyz`).catch(() => null);
    if (r?.status === 200) seen.add(r.headers.get('x-node') ?? '');
    else await new Promise((res) => setTimeout(res, 200));
  }
  if (seen.size < nodes.length) {
    stop();
    throw new Error(`HAProxy reached ${[...seen].join(', ') || 'no node'} of ${nodes.length}`);
  }
  return { url, stop };
}
