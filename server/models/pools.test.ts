// The policy's pools as the server builds them: a misdeclared pool stops the start with the file
// and the reason, a key file others can read is refused, a cloud pool alone gets the egress proxy,
// a reload that changes the pools is refused (the running ones stay), and the evidence bundle
// names where each pool's requests go.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { modelsEvidence } from '../privacy/evidence.ts';
import { PolicyFileError } from '../policies.ts';
import { poolClients, poolsChanged } from './pools.ts';
import { loadRoutingPolicyFile, watchRoutingPolicy, type RoutingPolicySource } from './routingPolicy.ts';

const policyText = (dir: string, gpu = 'http://10.1.2.3:8000/v1') => `version: 1
pools:
  gpu: { locality: local, baseURLs: [${gpu}], apiKeyFile: ${dir}/vllm.key }
  openai: { locality: cloud, baseURLs: [https://api.openai.com/v1], apiKeyFile: ${dir}/openai.key }
targets:
  vllm: { provider: openai, pool: gpu, model: llama, location: local }
  gpt: { provider: openai, pool: openai, model: gpt-4o-mini, location: cloud }
rules:
  - { id: consented, when: { cloudAllowed: true }, action: cloud, chain: [gpt, vllm] }
  - { id: default, action: local, chain: [vllm] }
`;

let source: RoutingPolicySource | undefined;
afterEach(() => source?.stop());

function setup(text = policyText) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pools-'));
  fs.writeFileSync(path.join(dir, 'vllm.key'), 'k1\n', { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'openai.key'), 'k2\n', { mode: 0o600 });
  const file = path.join(dir, 'routing.yaml');
  fs.writeFileSync(file, text(dir));
  return { dir, file };
}

const models = { ollamaHosts: [], cloudProxy: { url: 'http://proxy.bank.internal:3128', noProxy: [] } };

describe('pools at start', () => {
  it('builds one client per pool, each standing for its locality alone', () => {
    const { file } = setup();
    const clients = poolClients(loadRoutingPolicyFile(file), file, models, {});
    expect(Object.fromEntries(Object.entries(clients).map(([k, c]) => [k, c.locations]))).toEqual({
      gpu: ['local'],
      openai: ['cloud'],
    });
  });

  it('stops the start on a pool misdeclared local, naming the file and the reason', () => {
    const { file } = setup((dir) => policyText(dir, 'https://bank.openai.azure.com/openai/v1'));
    expect(() => loadRoutingPolicyFile(file)).toThrow(PolicyFileError);
    expect(() => loadRoutingPolicyFile(file)).toThrow(new RegExp(`${file}.*pools\\.gpu\\.locality: .*is a cloud API`));
  });

  it('refuses a key file others can read, and one that is missing', () => {
    const { dir, file } = setup();
    fs.chmodSync(path.join(dir, 'openai.key'), 0o644);
    expect(() => poolClients(loadRoutingPolicyFile(file), file, models, {})).toThrow(
      /pools\.openai\.apiKeyFile: .*readable by group\/others \(mode 644\)/,
    );
    fs.rmSync(path.join(dir, 'openai.key'));
    expect(() => poolClients(loadRoutingPolicyFile(file), file, models, {})).toThrow(
      /pools\.openai\.apiKeyFile: cannot read/,
    );
  });
});

describe('pools in the evidence bundle', () => {
  it("names each pool target's base URLs and locality, and the egress proxy's host (never its credentials) for the cloud", () => {
    const { dir } = setup();
    const config = loadConfig({
      PALISADE_DATA_DIR: dir,
      PALISADE_POLICIES_DIR: dir,
      CLOUD_HTTPS_PROXY: 'http://egress:s3cret@proxy.bank.internal:3128',
    });
    const targets = Object.fromEntries(modelsEvidence(config).targets.map((t) => [t.target, t]));
    expect(targets.vllm).toMatchObject({
      configured: true,
      location: 'local',
      destination: 'http://10.1.2.3:8000/v1 (pool gpu, local)',
    });
    expect(targets.gpt).toMatchObject({
      configured: true,
      location: 'cloud',
      destination: 'https://api.openai.com/v1 (pool openai, cloud) through the egress proxy proxy.bank.internal:3128',
    });
    expect(JSON.stringify(modelsEvidence(config))).not.toContain('s3cret');
  });
});

describe('pools on reload', () => {
  it('refuses an edit that changes the pools and keeps the running policy; takes one that does not', async () => {
    const { dir, file } = setup();
    const stream = new PassThrough();
    let logs = '';
    stream.on('data', (c: Buffer) => (logs += c.toString()));
    source = watchRoutingPolicy(file, createLogger({ level: 'info', stream }), {
      intervalMs: 60_000,
      keeps: (a, b) => poolsChanged(a.pools, b.pools),
    });
    const first = source.current().hash;
    fs.writeFileSync(file, policyText(dir, 'http://10.9.9.9:8000/v1'));
    expect(source.reload()).toBe(false);
    expect(source.current().hash).toBe(first);
    expect(logs).toContain('a change of pools takes effect at the next start');
    fs.writeFileSync(file, `${policyText(dir)}# a comment\n`);
    expect(source.reload()).toBe(true);
    expect(source.current().hash).not.toBe(first);
  });
});
