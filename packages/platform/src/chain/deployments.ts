import { readFileSync } from 'node:fs';

export interface Deployment {
  chainId: number;
  contracts: Record<string, string>;
}

export class DeploymentError extends Error {}

/** The addresses the contracts deploy script wrote (scripts/stack.sh runs it). */
export function readDeployment(file: string): Deployment {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch {
    throw new DeploymentError(`no contract deployment at ${file}: run scripts/stack.sh up (it deploys the contracts)`);
  }
  const parsed = JSON.parse(raw) as Partial<Deployment>;
  if (typeof parsed.chainId !== 'number' || typeof parsed.contracts !== 'object' || parsed.contracts === null) {
    throw new DeploymentError(`${file} is not a deployment file (needs chainId and contracts)`);
  }
  return parsed as Deployment;
}

export function contractAddress(d: Deployment, name: string): string {
  const a = d.contracts[name];
  if (!a)
    throw new DeploymentError(
      `contract ${name} is not in the deployment (has: ${Object.keys(d.contracts).join(', ')})`,
    );
  return a;
}
