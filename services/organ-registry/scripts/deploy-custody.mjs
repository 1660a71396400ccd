// Deploys ONLY the OrganCustody contract to an existing chain (the other contracts stay as they are) and writes
// its address into the deployments file; grants RELAYER_ROLE to the organ registry's signer. Idempotent: a file
// that already names a contract with code is left alone. Fresh stacks get it from contracts/ts/deploy.ts.
//   UHR_DEPLOYMENTS_FILE=… UHR_CHAIN_RPC_URL=… node services/organ-registry/scripts/deploy-custody.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { ContractFactory, JsonRpcProvider, NonceManager, Wallet, getAddress } from 'ethers';
import { OrganCustodyAbi, OrganCustodyBytecode, ROLES, organCustodyAt } from '@uhr/contracts';

// anvil account 0 (the local deployer) and account 6 (organ-registry's signer); UHR_DEPLOYER_KEY elsewhere.
const ADMIN_KEY = process.env.UHR_DEPLOYER_KEY ?? '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const RELAYER = getAddress(process.env.UHR_CUSTODY_RELAYER ?? '0x976EA74026E726554dB657fA54763abd0C3a0aa9');
const file = process.env.UHR_DEPLOYMENTS_FILE ?? '.uhr/deployments.json';
const provider = new JsonRpcProvider(process.env.UHR_CHAIN_RPC_URL ?? 'http://127.0.0.1:58545', undefined, {
  staticNetwork: true,
});
const deployment = JSON.parse(readFileSync(file, 'utf8'));
try {
  const existing = deployment.contracts.OrganCustody;
  if (existing && (await provider.getCode(existing)) !== '0x') {
    console.log(`deploy-custody: ${file} already names OrganCustody at ${existing}`);
  } else {
    const admin = new NonceManager(new Wallet(ADMIN_KEY, provider));
    const factory = new ContractFactory(OrganCustodyAbi, OrganCustodyBytecode, admin);
    const contract = await factory.deploy(await admin.getAddress(), 0, deployment.contracts.Registrar);
    await contract.waitForDeployment();
    const address = await contract.getAddress();
    await (await organCustodyAt(address, admin).getFunction('grantRole')(ROLES.RELAYER, RELAYER)).wait();
    deployment.contracts.OrganCustody = address;
    writeFileSync(file, JSON.stringify(deployment, null, 2) + '\n');
    console.log(`deploy-custody: OrganCustody at ${address}, RELAYER_ROLE to ${RELAYER}, written to ${file}`);
  }
} finally {
  provider.destroy();
}
