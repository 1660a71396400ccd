// The policy every rendered UHR manifest set must meet, beyond schema validity (kubeconform):
//   node k8s/tests/policy.mjs rendered.yaml…   prints each violation and exits 1 if there is any.
// Every workload: restricted Pod Security (non-root, no privilege escalation, all capabilities dropped, seccomp
// RuntimeDefault), read-only root filesystem, no service-account token, requests and a memory limit, probes,
// an image with a tag or digest (never latest), selected by a NetworkPolicy in a namespace that denies by default;
// long-running ones covered by a PodDisruptionBudget, the services' Deployments also by an HPA and the
// /health/live and /health/ready probes. Secrets only by reference; the chain RPC reachable only by chain writers.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/** The pods that sign chain writes (the services whose config needs UHR_CHAIN_SIGNER_KEY) and the deploy Job. */
export const CHAIN_WRITERS = ['registrar', 'consent', 'records', 'drug-trace', 'organ-registry', 'billing', 'contracts-deploy'];
/** The one pod allowed an API token: it publishes the contract addresses (its Role writes one ConfigMap). */
const TOKEN_ALLOWED = new Set(['Job/contracts-deploy']);
const SECRET_NAME = /(KEY|SECRET|PASSWORD|PEPPER|TOKEN|PG_URL|KEK)/;
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet', 'Pod']);

const podOf = (o) =>
  o.kind === 'Pod' ? { metadata: o.metadata, spec: o.spec } : o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
const nsOf = (o) => o.metadata?.namespace ?? 'default';
const idOf = (o) => `${o.kind}/${o.metadata?.name}`;

/** Does a label selector (matchLabels and matchExpressions) select these labels? */
export function selects(selector, labels = {}) {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function containerIssues(c, pod, long, service) {
  const out = [];
  const sc = c.securityContext ?? {};
  const psc = pod.spec.securityContext ?? {};
  if (sc.privileged) out.push('is privileged');
  if (sc.allowPrivilegeEscalation !== false) out.push('allowPrivilegeEscalation is not false');
  if (sc.readOnlyRootFilesystem !== true) out.push('readOnlyRootFilesystem is not true');
  if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push('does not drop ALL capabilities');
  if ((sc.capabilities?.add ?? []).length > 0) out.push('adds capabilities');
  if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) out.push('runAsNonRoot is not true');
  if ((sc.runAsUser ?? psc.runAsUser) === 0) out.push('runs as uid 0');
  if ((sc.seccompProfile?.type ?? psc.seccompProfile?.type) !== 'RuntimeDefault') out.push('seccomp is not RuntimeDefault');
  const r = c.resources ?? {};
  if (!r.requests?.cpu || !r.requests?.memory) out.push('has no cpu and memory requests');
  if (!r.limits?.memory) out.push('has no memory limit');
  if (!/[:@]/.test(c.image ?? '') || /:latest$/.test(c.image)) out.push(`image "${c.image}" is not pinned (tag or digest)`);
  if (long) {
    if (!c.readinessProbe) out.push('has no readinessProbe');
    if (!c.livenessProbe) out.push('has no livenessProbe');
  }
  if (service) {
    if (c.livenessProbe?.httpGet?.path !== '/health/live') out.push('liveness is not GET /health/live');
    if (c.readinessProbe?.httpGet?.path !== '/health/ready') out.push('readiness is not GET /health/ready');
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined && SECRET_NAME.test(e.name)) out.push(`sets secret ${e.name} as a literal (use secretKeyRef)`);
    if (e.name === 'UHR_STACK') out.push('sets UHR_STACK (local stacks only)');
  }
  for (const f of c.envFrom ?? []) if (f.secretRef) out.push('imports a whole Secret (envFrom); name each key (secretKeyRef)');
  return out.map((m) => `container ${c.name} ${m}`);
}

function workloadIssues(o, all) {
  const pod = podOf(o);
  if (!pod?.spec) return ['has no pod template'];
  const out = [];
  const s = pod.spec;
  const labels = pod.metadata?.labels ?? {};
  const long = ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind);
  const service = o.kind === 'Deployment' && nsOf(o) === 'uhr' && labels['app.kubernetes.io/name'] !== 'portal';
  if (s.hostNetwork || s.hostPID || s.hostIPC) out.push('uses the host namespaces');
  if ((s.volumes ?? []).some((v) => v.hostPath)) out.push('mounts a hostPath');
  if (s.automountServiceAccountToken !== false && !TOKEN_ALLOWED.has(idOf(o))) out.push('automountServiceAccountToken is not false');
  for (const c of [...(s.initContainers ?? []), ...(s.containers ?? [])]) out.push(...containerIssues(c, pod, long && (s.containers ?? []).includes(c), service));
  const same = all.filter((x) => nsOf(x) === nsOf(o));
  if (!same.some((x) => x.kind === 'NetworkPolicy' && selects(x.spec?.podSelector, labels))) out.push('is selected by no NetworkPolicy');
  const denies = same.some(
    (x) => x.kind === 'NetworkPolicy' && Object.keys(x.spec?.podSelector ?? {}).length === 0 && (x.spec?.policyTypes ?? []).includes('Ingress') && !x.spec.ingress,
  );
  if (!denies) out.push(`namespace ${nsOf(o)} has no default-deny NetworkPolicy`);
  if (long && !same.some((x) => x.kind === 'PodDisruptionBudget' && selects(x.spec?.selector, labels))) out.push('is covered by no PodDisruptionBudget');
  if (o.kind === 'Deployment') {
    const hpa = same.some((x) => x.kind === 'HorizontalPodAutoscaler' && x.spec?.scaleTargetRef?.kind === 'Deployment' && x.spec.scaleTargetRef.name === o.metadata.name);
    if (!hpa) out.push('has no HorizontalPodAutoscaler');
    if ((s.topologySpreadConstraints ?? []).length === 0) out.push('has no topologySpreadConstraints');
  }
  const writer = labels['uhr.health/chain-writer'] === 'true';
  const name = labels['app.kubernetes.io/name'];
  if (writer && !CHAIN_WRITERS.includes(name)) out.push(`is labelled a chain writer but ${name} signs no chain writes`);
  return out;
}

const ports = (rule) => (rule.ports ?? []).map((p) => p.port);

/** Chain RPC (8545) ingress to the RPC nodes only from chain writers; egress to it only from chain writers. */
function rpcIssues(np) {
  const out = [];
  for (const rule of np.spec?.ingress ?? []) {
    if (!ports(rule).includes(8545) && (rule.ports ?? []).length > 0) continue;
    if (nsOf(np) !== 'uhr-chain') continue;
    for (const peer of rule.from ?? [{}]) {
      if (peer.podSelector?.matchLabels?.['uhr.health/chain-writer'] !== 'true') out.push('lets pods that are not chain writers reach the chain RPC');
    }
  }
  for (const rule of np.spec?.egress ?? []) {
    if (!ports(rule).includes(8545)) continue;
    if (np.spec.podSelector?.matchLabels?.['uhr.health/chain-writer'] !== 'true') out.push('lets pods that are not chain writers reach the chain RPC');
  }
  return out;
}

export function check(objects) {
  const issues = [];
  for (const o of objects) {
    const at = `${nsOf(o)}/${idOf(o)}`;
    const add = (list) => issues.push(...list.map((m) => `${at}: ${m}`));
    if (WORKLOADS.has(o.kind)) add(workloadIssues(o, objects));
    if (o.kind === 'NetworkPolicy') add(rpcIssues(o));
    if (o.kind === 'Secret' && (o.data || o.stringData)) add(['is a Secret with values: secrets are never committed']);
    if (o.kind === 'ConfigMap' && Object.keys(o.data ?? {}).includes('UHR_STACK')) add(['sets UHR_STACK (local stacks only)']);
  }
  return issues;
}

export function load(text) {
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  const bad = docs.flatMap((d) => d.errors.map((e) => e.message));
  if (bad.length > 0) throw new Error(`not YAML: ${bad[0]}`);
  return docs.map((d) => d.toJS()).filter((o) => o && typeof o === 'object');
}

// CLI: each file is checked alone; each finding is printed as "<file>: policy: <finding>".
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  let failed = false;
  for (const file of process.argv.slice(2)) {
    let issues;
    try {
      issues = check(load(readFileSync(file, 'utf8')));
    } catch (err) {
      issues = [err.message];
    }
    for (const i of issues) console.log(`${file}: policy: ${i}`);
    failed ||= issues.length > 0;
  }
  process.exit(failed ? 1 : 0);
}
