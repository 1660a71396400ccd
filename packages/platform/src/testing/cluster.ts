import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonRpcProvider, Wallet } from 'ethers';
// .ts: testing/index.ts re-exports this file, and jest's globalSetup loads that without the moduleNameMapper.
import { repoRoot, stack } from './index.ts';

/** One JSON-RPC call to a geth node (admin_*, clique_* included). */
export async function gethRpc<T>(rpcUrl: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** The cluster profile's endpoints (`scripts/stack.sh cluster up` writes .uhr/cluster/env; ADR 0017). */
export interface ClusterEnv {
  kafkaBrokers: string[];
  chainRpcUrls: string[];
  chainId: number;
  deploymentsFile: string;
}

export function loadClusterEnv(): ClusterEnv {
  const file = join(process.env.UHR_CLUSTER_HOME ?? join(repoRoot(), '.uhr', 'cluster'), 'env');
  if (!existsSync(file)) throw new Error(`no cluster profile (${file}): start it with scripts/stack.sh cluster up`);
  const vars = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) vars.set(m[1], m[2]);
  }
  const need = (k: string) =>
    vars.get(k) ??
    (() => {
      throw new Error(`${file} has no ${k}`);
    })();
  return {
    kafkaBrokers: need('UHR_CLUSTER_KAFKA_BROKERS').split(','),
    chainRpcUrls: need('UHR_CLUSTER_CHAIN_RPC_URLS').split(','),
    chainId: Number(need('UHR_CLUSTER_CHAIN_ID')),
    deploymentsFile: need('UHR_CLUSTER_DEPLOYMENTS_FILE'),
  };
}

export type ClusterNode = `kafka-${1 | 2 | 3}` | `geth-${1 | 2 | 3}`;

/** kill -9 one node of the cluster profile (what a crash looks like). */
export const killNode = (node: ClusterNode) => stack('cluster', 'kill', node);
/** Starts a node again; a signer is peered with the others, a broker waited for until it listens. */
export const startNode = (node: ClusterNode) => stack('cluster', 'start', node);

/** anvil's account 8, funded in the cluster genesis: it pays for the drills' own signers. */
const FUNDER_KEY = '0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97';

/** A random key given 1000 ether by a transfer on the cluster chain (no anvil_setBalance on geth). */
export async function clusterSigner(rpcUrl: string): Promise<string> {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
  try {
    const wallet = Wallet.createRandom();
    const tx = await new Wallet(FUNDER_KEY, provider).sendTransaction({ to: wallet.address, value: 10n ** 21n });
    await tx.wait();
    return wallet.privateKey;
  } finally {
    provider.destroy();
  }
}

/** The signer of a Clique block (clique_getSigner) and its height and hash. */
export async function headOf(rpcUrl: string): Promise<{ n: number; hash: string; signer: string }> {
  const block = await gethRpc<{ number: string; hash: string }>(rpcUrl, 'eth_getBlockByNumber', ['latest', false]);
  const signer = await gethRpc<string>(rpcUrl, 'clique_getSigner', [block.hash]);
  return { n: Number(block.number), hash: block.hash, signer: signer.toLowerCase() };
}

const enodeOf = async (rpcUrl: string) => (await gethRpc<{ enode: string }>(rpcUrl, 'admin_nodeInfo')).enode;

/** Cuts (or restores) the links between two geth nodes, both ways (static peers: nobody redials a removed one). */
export async function link(a: string, b: string, up: boolean): Promise<void> {
  const method = up ? 'admin_addPeer' : 'admin_removePeer';
  const [ea, eb] = await Promise.all([enodeOf(a), enodeOf(b)]);
  await gethRpc(a, method, [eb]);
  await gethRpc(b, method, [ea]);
}

/** How many peers a node is connected to. */
export const peerCount = async (rpcUrl: string) => Number(await gethRpc<string>(rpcUrl, 'net_peerCount'));
