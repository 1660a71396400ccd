import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Wallet } from 'ethers';
import {
  ROLES,
  anchorsAt,
  consentAt,
  deployAll,
  loadDeployment,
  organCustodyAt,
  registrarAt,
  relationshipsAt,
} from '../ts/index.js';
import { type Chain, fundedWallets, startChain } from './support/harness.js';

describe('deployAll / loadDeployment', () => {
  let chain: Chain;
  let deployer: Wallet, admin: Wallet, a: Wallet, b: Wallet, c: Wallet, d: Wallet;

  beforeAll(async () => {
    chain = await startChain();
    [deployer, admin, a, b, c, d] = await fundedWallets(chain, 500, 6);
  });
  afterAll(() => chain.stop());

  it('deploys five contracts and grants every role to every listed holder', async () => {
    const steps: string[] = [];
    const addresses = await deployAll(deployer, {
      roles: {
        registrar: [a.address, b.address],
        relayer: [b.address],
        gatekeeper: [c.address],
        anchorer: [d.address],
        custodyRelayer: [a.address],
      },
      onStep: (m) => steps.push(m),
    });
    for (const address of Object.values(addresses)) expect(await chain.provider.getCode(address)).not.toBe('0x');
    const registrar = registrarAt(addresses.Registrar, chain.provider);
    const relationships = relationshipsAt(addresses.Relationships, chain.provider);
    const consent = consentAt(addresses.Consent, chain.provider);
    const anchors = anchorsAt(addresses.Anchors, chain.provider);
    expect(await registrar.hasRole(ROLES.REGISTRAR, a.address)).toBe(true);
    expect(await registrar.hasRole(ROLES.REGISTRAR, b.address)).toBe(true);
    expect(await relationships.hasRole(ROLES.RELAYER, b.address)).toBe(true);
    expect(await consent.hasRole(ROLES.RELAYER, b.address)).toBe(true);
    expect(await consent.hasRole(ROLES.GATEKEEPER, c.address)).toBe(true);
    expect(await consent.hasRole(ROLES.GATEKEEPER, b.address)).toBe(false);
    expect(await anchors.hasRole(ROLES.ANCHORER, d.address)).toBe(true);
    const custody = organCustodyAt(addresses.OrganCustody!, chain.provider);
    expect(await custody.hasRole(ROLES.RELAYER, a.address)).toBe(true);
    for (const contract of [registrar, relationships, consent, anchors, custody]) {
      expect(await contract.defaultAdmin()).toBe(deployer.address);
      expect(await contract.hasRole(ROLES.DEFAULT_ADMIN, deployer.address)).toBe(true);
    }
    expect(steps).toHaveLength(5 + 7);
  });

  it('honours a separate admin and admin delay', async () => {
    const addresses = await deployAll(deployer, { admin: admin.address, adminDelay: 3600 });
    const anchors = anchorsAt(addresses.Anchors, chain.provider);
    expect(await anchors.defaultAdmin()).toBe(admin.address);
    expect(await anchors.defaultAdminDelay()).toBe(3600n);
  });

  it('loadDeployment reads a valid file and rejects broken ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'uhr-deploy-'));
    const good = join(dir, 'good.json');
    const contracts = {
      Registrar: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
      Relationships: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
      Consent: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
      Anchors: '0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9',
    };
    await writeFile(good, JSON.stringify({ chainId: 31337, deployedAt: '2026-01-01T00:00:00.000Z', contracts }));
    const loaded = await loadDeployment(good);
    expect(loaded.chainId).toBe(31337);
    expect(loaded.contracts.Registrar).toBe('0x5FbDB2315678afecb367f032d93F642f64180aa3');
    const bad = join(dir, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({ chainId: 31337, deployedAt: 'x', contracts: { ...contracts, Anchors: 'nope' } }),
    );
    await expect(loadDeployment(bad)).rejects.toThrow(/contracts.Anchors/);
    await writeFile(bad, JSON.stringify({ chainId: '1', deployedAt: 'x', contracts }));
    await expect(loadDeployment(bad)).rejects.toThrow(/chainId/);
  });
});
