// The deployment files hold together: docker-compose.yml, ops/haproxy.cfg, ops/prometheus.yml and
// the Kubernetes manifests under ops/kubernetes/, read as YAML and checked for the facts an operator
// relies on; each node's environment is read by the app's own config loader. Neither Docker Compose
// nor a Kubernetes API server runs here: `docker compose config` and `kubectl kustomize` run only
// where the client is installed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../../server/config.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const K8S = path.join(ROOT, 'ops/kubernetes');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const works = (cmd: string, args: string[]) => {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed YAML, checked field by field
const compose = parse(read('docker-compose.yml'), { merge: true }) as Obj;
const services = compose.services as Record<string, Obj>;
const appNodes = Object.entries(services).filter(([, s]) => s.build?.dockerfile === 'ops/Dockerfile');
/** A secret's value never sits in the environment: only file paths and references. */
const SECRET_NAME = /SECRET|MASTER_KEY|PASSWORD|TOKEN|DATABASE_URL/;

/** The environment as the container gets it: ${VAR:?…} set by the operator, ${VAR:-} left empty. */
const interpolate = (env: Record<string, string | number>) =>
  Object.fromEntries(
    Object.entries(env).map(([k, v]) => [
      k,
      String(v)
        .replace(/\$\{[A-Z_]+:\?[^}]*\}/g, 'pw')
        .replace(/\$\{[A-Z_]+:-\}/g, ''),
    ]),
  );

describe('docker-compose.yml', () => {
  it('runs two app nodes on one database, each with its own id and data, both on one key store', () => {
    expect(appNodes.map(([name]) => name)).toEqual(['node-a', 'node-b']);
    const ids = appNodes.map(([, s]) => s.environment.PALISADE_NODE_ID);
    expect(new Set(ids).size).toBe(2);
    const mounts = appNodes.map(([, s]) =>
      Object.fromEntries((s.volumes as string[]).map((v) => v.split(':').reverse())),
    );
    expect(mounts.map((m) => m['/app/data/keystore'])).toEqual(['keystore', 'keystore']);
    expect(new Set(mounts.map((m) => m['/app/data'])).size).toBe(2);
    for (const [, s] of appNodes) {
      expect(s.ports).toBeUndefined(); // the way in is HAProxy
      expect(s.environment.DATABASE_URL).toMatch(/@db:5432\//);
      for (const [k, v] of Object.entries(s.environment as Record<string, string>)) {
        if (SECRET_NAME.test(k) && k !== 'DATABASE_URL')
          expect([k, String(v)]).toEqual([k, expect.stringMatching(/^\/run\/secrets\//)]);
      }
      expect(s.environment.DATABASE_URL).toContain('${PALISADE_DB_PASSWORD:?');
      // The app's own loader takes the environment (REDIS_URL empty: no Redis).
      const config = loadConfig(interpolate(s.environment));
      expect(config.database.kind).toBe('postgres');
      expect(config.redis).toBeUndefined();
      expect(config.metrics.tokenFile).toBeDefined(); // metrics on a network interface ask for a token
    }
    expect(
      loadConfig(interpolate({ ...appNodes[0]![1].environment, REDIS_URL: 'redis://redis:6379' })).redis?.url,
    ).toBe('redis://redis:6379');
  });

  it('puts HAProxy (ops/haproxy.cfg) before exactly the app nodes, health-checked on /readyz', () => {
    expect(services.haproxy!.volumes).toContain('./ops/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    const cfg = read('ops/haproxy.cfg');
    const servers = [...cfg.matchAll(/^\s*server (\S+) (\S+):(\d+) check/gm)].map((m) => [m[2], Number(m[3])]);
    expect(servers).toEqual(appNodes.map(([name, s]) => [name, Number(s.environment.PORT)]));
    expect(cfg).toMatch(/option httpchk GET \/readyz/);
    expect(cfg).not.toMatch(/^\s*(cookie|stick|balance source)/m); // no sticky sessions
  });

  it('keeps Redis optional, gives Ollama a GPU and its model volume, and scrapes every node', () => {
    expect(services.redis!.profiles).toEqual(['redis']);
    for (const s of Object.values(services)) expect(JSON.stringify(s.depends_on ?? {})).not.toContain('redis');
    const devices = services.ollama!.deploy.resources.reservations.devices as Obj[];
    expect(devices[0]).toMatchObject({ driver: 'nvidia', capabilities: ['gpu'] });
    expect(services.ollama!.volumes).toContain('ollama-models:/root/.ollama');
    for (const [, s] of appNodes) expect(s.environment.OLLAMA_HOST).toBe('http://ollama:11434');
    const prometheus = parse(read('ops/prometheus.yml')) as Obj;
    const job = prometheus.scrape_configs[0];
    expect(job.static_configs[0].targets).toEqual(
      appNodes.map(([name, s]) => `${name}:${String(s.environment.METRICS_LISTEN).split(':')[1]}`),
    );
    expect(job.authorization.credentials_file).toBe('/run/secrets/prometheus_token');
    expect(services.prometheus!.secrets).toContain('prometheus_token');
    const alerts = (services.prometheus!.volumes as string[]).find((v) =>
      v.startsWith('./ops/prometheus-alerts.yml:'),
    )!;
    expect(prometheus.rule_files).toEqual([alerts.split(':')[1]]);
  });

  it('declares every secret and named volume it uses, secrets as files', () => {
    const used = new Set(Object.values(services).flatMap((s) => (s.secrets ?? []) as string[]));
    expect([...used].sort()).toEqual(Object.keys(compose.secrets).sort());
    for (const s of Object.values(compose.secrets as Record<string, Obj>)) expect(s.file).toMatch(/^\.\/secrets\//);
    const named = Object.values(services).flatMap((s) =>
      ((s.volumes ?? []) as string[]).map((v) => v.split(':')[0]!).filter((v) => !v.startsWith('.')),
    );
    expect([...new Set(named)].sort()).toEqual(Object.keys(compose.volumes).sort());
  });

  it.runIf(works('docker', ['compose', 'version']))('passes docker compose config', () => {
    execFileSync('docker', ['compose', 'config', '--quiet'], {
      cwd: ROOT,
      env: { ...process.env, PALISADE_DB_PASSWORD: 'x' },
    });
  });
});

describe('ops/kubernetes', () => {
  const files = fs.readdirSync(K8S).filter((f) => f.endsWith('.yaml'));
  const docs = files.flatMap((f) =>
    parseAllDocuments(fs.readFileSync(path.join(K8S, f), 'utf8')).map((d) => d.toJS() as Obj),
  );
  const one = (kind: string) => docs.find((d) => d.kind === kind)!;
  const deployment = one('Deployment');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  it('lists every manifest in the kustomization and embeds no Secret', () => {
    expect([...one('Kustomization').resources].sort()).toEqual(files.filter((f) => f !== 'kustomization.yaml').sort());
    expect(docs.some((d) => d.kind === 'Secret')).toBe(false);
  });

  it('probes readiness on /readyz and liveness on /healthz, at the port the app listens on', () => {
    const port = (name: string) => container.ports.find((p: Obj) => p.name === name).containerPort;
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(port(container.readinessProbe.httpGet.port)).toBe(Number(one('ConfigMap').data.PORT));
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  it('mounts one ReadWriteMany key store on every pod and gives each pod its own node id', () => {
    const pvc = one('PersistentVolumeClaim');
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
    const volume = pod.volumes.find((v: Obj) => v.persistentVolumeClaim?.claimName === pvc.metadata.name);
    expect(container.volumeMounts.find((m: Obj) => m.name === volume.name).mountPath).toBe('/app/data/keystore');
    expect(container.env.find((e: Obj) => e.name === 'PALISADE_NODE_ID').valueFrom.fieldRef.fieldPath).toBe(
      'metadata.name',
    );
  });

  it('references the Secret for every secret setting, and the app takes the settings', () => {
    const secretMount = container.volumeMounts.find(
      (m: Obj) => pod.volumes.find((v: Obj) => v.name === m.name)?.secret,
    ).mountPath;
    const env: Record<string, string> = { ...one('ConfigMap').data };
    for (const e of container.env as Obj[]) {
      if (SECRET_NAME.test(e.name)) {
        if (e.value !== undefined) expect(e.value.startsWith(`${secretMount}/`)).toBe(true);
        else expect(e.valueFrom.secretKeyRef.name).toBe('palisade-secrets');
      }
      env[e.name] =
        e.value ?? (e.name === 'DATABASE_URL' ? 'postgres://palisade:pw@postgres:5432/palisade' : 'palisade-0');
    }
    for (const k of Object.keys(one('ConfigMap').data)) expect(SECRET_NAME.test(k)).toBe(false);
    const config = loadConfig(env);
    expect(config.database.kind).toBe('postgres');
    // A drain (SHUTDOWN_TIMEOUT_MS after the preStop pause) ends before the kill.
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(config.http.shutdownTimeoutMs + 5_000);
  });

  it('keeps a pod through voluntary disruptions and serves the pods without affinity', () => {
    const labels = deployment.spec.template.metadata.labels;
    const pdb = one('PodDisruptionBudget');
    expect(pdb.spec.selector.matchLabels).toEqual(labels);
    expect(pdb.spec.minAvailable).toBeLessThan(deployment.spec.replicas);
    const service = one('Service');
    expect(service.spec.selector).toEqual(labels);
    expect(service.spec.sessionAffinity).toBe('None');
    expect(
      service.spec.ports
        .map((p: Obj) => p.targetPort)
        .every((t: string) => container.ports.some((p: Obj) => p.name === t)),
    ).toBe(true);
  });

  it.runIf(works('kubectl', ['version', '--client']))('builds with kubectl kustomize', () => {
    const out = execFileSync('kubectl', ['kustomize', K8S], { encoding: 'utf8' });
    expect(
      parseAllDocuments(out)
        .map((d) => (d.toJS() as Obj).kind)
        .sort(),
    ).toEqual(['ConfigMap', 'Deployment', 'PersistentVolumeClaim', 'PodDisruptionBudget', 'Service']);
  });
});
