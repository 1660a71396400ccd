// OrganCustody on a chain deployed before it existed: deploys ONLY that contract (the others stay as they are),
// grants RELAYER_ROLE to the organ registry's signer, and writes a deployments file that names it. Fresh stacks
// get it from contracts/ts/deploy.ts instead.
import { readFileSync, writeFileSync } from 'node:fs';
import { OrganCustodyAbi, OrganCustodyBytecode, ROLES, organCustodyAt } from '@uhr/contracts';
import { ContractFactory, JsonRpcProvider, NonceManager, Wallet, getAddress } from 'ethers';

// anvil account 0 (the local deployer) and account 6 (organ-registry's signer).
const ANVIL_ADMIN_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const ORGAN_REGISTRY_SIGNER = '0x976EA74026E726554dB657fA54763abd0C3a0aa9';

export interface CustodyDeploymentOptions {
  rpcUrl: string;
  /** The deployments file to read. */
  from: string;
  /** Where to write the file naming OrganCustody (`from` itself, or a copy for a test). */
  to: string;
  adminKey?: string;
  relayer?: string;
}

/** The OrganCustody address: the one `from` names if it has code there, else a fresh deployment written to `to`. */
export async function ensureOrganCustody(o: CustodyDeploymentOptions): Promise<string> {
  const provider = new JsonRpcProvider(o.rpcUrl, undefined, { staticNetwork: true });
  const deployment = JSON.parse(readFileSync(o.from, 'utf8')) as { contracts: Record<string, string> };
  try {
    const existing = deployment.contracts.OrganCustody;
    if (existing && (await provider.getCode(existing)) !== '0x') {
      if (o.to !== o.from) writeFileSync(o.to, JSON.stringify(deployment, null, 2) + '\n');
      return existing;
    }
    const admin = new NonceManager(new Wallet(o.adminKey ?? ANVIL_ADMIN_KEY, provider));
    const factory = new ContractFactory(OrganCustodyAbi, OrganCustodyBytecode, admin);
    const contract = await factory.deploy(await admin.getAddress(), 0, deployment.contracts.Registrar);
    await contract.waitForDeployment();
    const address = await contract.getAddress();
    const relayer = getAddress(o.relayer ?? ORGAN_REGISTRY_SIGNER);
    await (await organCustodyAt(address, admin).getFunction('grantRole')(ROLES.RELAYER, relayer)).wait();
    deployment.contracts.OrganCustody = address;
    writeFileSync(o.to, JSON.stringify(deployment, null, 2) + '\n');
    return address;
  } finally {
    provider.destroy();
  }
}
