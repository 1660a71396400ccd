import { readFile } from 'node:fs/promises';
import { ContractFactory, type Signer, getAddress } from 'ethers';
import {
  AnchorsAbi,
  AnchorsBytecode,
  ConsentAbi,
  ConsentBytecode,
  OrganCustodyAbi,
  OrganCustodyBytecode,
  RegistrarAbi,
  RegistrarBytecode,
  RelationshipsAbi,
  RelationshipsBytecode,
} from '../generated/abis.js';
import { anchorsAt, consentAt, organCustodyAt, registrarAt, relationshipsAt } from './contracts.js';
import { ROLES } from './roles.js';

export interface ContractAddresses {
  Registrar: string;
  Relationships: string;
  Consent: string;
  Anchors: string;
  /** The organ registry's custody chain (absent in deployments made before it existed). */
  OrganCustody?: string;
}

/** The deployment file written by `npm run deploy` (default `.uhr/deployments.json`). */
export interface Deployment {
  chainId: number;
  deployedAt: string;
  contracts: ContractAddresses;
}

export interface RoleHolders {
  registrar?: readonly string[];
  relayer?: readonly string[];
  gatekeeper?: readonly string[];
  anchorer?: readonly string[];
  /** RELAYER_ROLE on OrganCustody: the organ registry's signer. */
  custodyRelayer?: readonly string[];
}

export interface DeployOptions {
  /** Default admin of every contract (AccessControlDefaultAdminRules); defaults to the signer. */
  admin?: string;
  /** Delay, in seconds, before an admin transfer takes effect; default 0 (development). */
  adminDelay?: number;
  roles?: RoleHolders;
  /** Init code per contract name in place of the built one (the same sources compiled for another EVM). */
  bytecodes?: Partial<Record<keyof ContractAddresses, string>>;
  /** Called after each step, e.g. for logging. */
  onStep?: (message: string) => void;
}

/**
 * Deploys Registrar, Relationships, Consent and Anchors, then grants the roles. The signer must be the admin
 * (or the admin option must be left out) for the role grants to succeed.
 */
export async function deployAll(signer: Signer, opts: DeployOptions = {}): Promise<ContractAddresses> {
  const admin = getAddress(opts.admin ?? (await signer.getAddress()));
  const delay = opts.adminDelay ?? 0;
  const log = opts.onStep ?? (() => undefined);

  const deploy = async (name: keyof ContractAddresses, abi: readonly object[], bytecode: string, args: unknown[]) => {
    const code = opts.bytecodes?.[name] ?? bytecode;
    const contract = await new ContractFactory(abi as never, code, signer).deploy(...args);
    await contract.waitForDeployment();
    const address = await contract.getAddress();
    log(`deployed ${name} at ${address}`);
    return address;
  };

  const registrar = await deploy('Registrar', RegistrarAbi, RegistrarBytecode, [admin, delay]);
  const relationships = await deploy('Relationships', RelationshipsAbi, RelationshipsBytecode, [
    admin,
    delay,
    registrar,
  ]);
  const consent = await deploy('Consent', ConsentAbi, ConsentBytecode, [admin, delay, registrar]);
  const anchors = await deploy('Anchors', AnchorsAbi, AnchorsBytecode, [admin, delay]);
  const organCustody = await deploy('OrganCustody', OrganCustodyAbi, OrganCustodyBytecode, [admin, delay, registrar]);

  const roles = opts.roles ?? {};
  const grants: [ReturnType<typeof registrarAt>, string, readonly string[] | undefined, string][] = [
    [registrarAt(registrar, signer), ROLES.REGISTRAR, roles.registrar, 'Registrar.REGISTRAR_ROLE'],
    [relationshipsAt(relationships, signer), ROLES.RELAYER, roles.relayer, 'Relationships.RELAYER_ROLE'],
    [consentAt(consent, signer), ROLES.RELAYER, roles.relayer, 'Consent.RELAYER_ROLE'],
    [consentAt(consent, signer), ROLES.GATEKEEPER, roles.gatekeeper, 'Consent.GATEKEEPER_ROLE'],
    [anchorsAt(anchors, signer), ROLES.ANCHORER, roles.anchorer, 'Anchors.ANCHORER_ROLE'],
    [organCustodyAt(organCustody, signer), ROLES.RELAYER, roles.custodyRelayer, 'OrganCustody.RELAYER_ROLE'],
  ];
  for (const [contract, role, holders, label] of grants) {
    for (const holder of holders ?? []) {
      const tx = await contract.getFunction('grantRole')(role, getAddress(holder));
      await tx.wait();
      log(`granted ${label} to ${holder}`);
    }
  }
  return {
    Registrar: registrar,
    Relationships: relationships,
    Consent: consent,
    Anchors: anchors,
    OrganCustody: organCustody,
  };
}

/** Reads and validates a deployment file. */
export async function loadDeployment(file: string): Promise<Deployment> {
  const raw: unknown = JSON.parse(await readFile(file, 'utf8'));
  const fail = (why: string): never => {
    throw new Error(`invalid deployment file ${file}: ${why}`);
  };
  if (typeof raw !== 'object' || raw === null) return fail('not an object');
  const d = raw as Partial<Deployment>;
  if (typeof d.chainId !== 'number') fail('chainId must be a number');
  if (typeof d.deployedAt !== 'string') fail('deployedAt must be a string');
  if (typeof d.contracts !== 'object' || d.contracts === null) fail('contracts missing');
  const contracts = {} as ContractAddresses;
  for (const name of ['Registrar', 'Relationships', 'Consent', 'Anchors'] as const) {
    const address = (d.contracts as Partial<ContractAddresses>)[name];
    if (typeof address !== 'string') fail(`contracts.${name} missing`);
    try {
      contracts[name] = getAddress(address as string);
    } catch {
      fail(`contracts.${name} is not an address`);
    }
  }
  const custody = (d.contracts as Partial<ContractAddresses>).OrganCustody;
  if (custody !== undefined) {
    try {
      contracts.OrganCustody = getAddress(custody);
    } catch {
      fail('contracts.OrganCustody is not an address');
    }
  }
  return { chainId: d.chainId as number, deployedAt: d.deployedAt as string, contracts };
}
