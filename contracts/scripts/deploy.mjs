// Deploys the UHR contracts to UHR_CHAIN_RPC_URL and writes UHR_DEPLOYMENTS_FILE.
// Idempotent: if the file names contracts that have code on the same chain, it exits 0 (use --force to redeploy).
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HDNodeWallet, JsonRpcProvider, Mnemonic, NonceManager, Wallet } from 'ethers';
const { deployAll, loadDeployment } = await import('../dist/ts/index.js').catch((err) => {
  console.error(`cannot load dist/ts/index.js (${err.message}); run \`npm run build -w @uhr/contracts\` first`);
  process.exit(1);
});

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';
const ANVIL_KEY_0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

const anvilAddress = (i) =>
  HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(ANVIL_MNEMONIC), `m/44'/60'/0'/0/${i}`).address;
const list = (name, fallbackIndex) => {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return [anvilAddress(fallbackIndex)];
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
};

const rpcUrl = process.env.UHR_CHAIN_RPC_URL ?? 'http://127.0.0.1:8545';
const fileEnv = process.env.UHR_DEPLOYMENTS_FILE ?? '.uhr/deployments.json';
const file = isAbsolute(fileEnv) ? fileEnv : resolve(repoRoot, fileEnv);
const force = process.argv.includes('--force');

const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
let chainId;
try {
  chainId = Number((await provider.getNetwork()).chainId);
} catch (err) {
  console.error(`deploy: cannot reach chain at ${rpcUrl}: ${err.message}`);
  process.exit(1);
}

if (!force && existsSync(file)) {
  const existing = await loadDeployment(file);
  if (existing.chainId === chainId) {
    const codes = await Promise.all(Object.values(existing.contracts).map((a) => provider.getCode(a)));
    if (codes.every((c) => c !== '0x')) {
      console.log(`deploy: contracts already deployed on chain ${chainId} (${file}); use --force to redeploy`);
      console.log(JSON.stringify(existing, null, 2));
      process.exit(0);
    }
  }
  console.log(`deploy: ${file} is stale for chain ${chainId}; redeploying`);
}

const signer = new NonceManager(new Wallet(process.env.UHR_DEPLOYER_KEY ?? ANVIL_KEY_0, provider));
const roles = {
  registrar: list('UHR_ROLE_REGISTRAR', 1),
  relayer: list('UHR_ROLE_RELAYER', 2),
  gatekeeper: list('UHR_ROLE_GATEKEEPER', 3),
  anchorer: list('UHR_ROLE_ANCHORER', 4),
  // anvil account 6: the organ registry relays custody hand-offs.
  custodyRelayer: list('UHR_ROLE_CUSTODY_RELAYER', 6),
};
const adminDelay = Number(process.env.UHR_ADMIN_DELAY ?? 0);
// UHR_CONTRACT_ARTIFACTS: a folder of the same contracts compiled for another EVM (compile.mjs UHR_ARTIFACTS_DIR).
const artifacts = process.env.UHR_CONTRACT_ARTIFACTS;
const bytecodes = artifacts
  ? Object.fromEntries(
      ['Registrar', 'Relationships', 'Consent', 'Anchors', 'OrganCustody'].map((n) => [
        n,
        JSON.parse(readFileSync(join(artifacts, `${n}.json`), 'utf8')).bytecode,
      ]),
    )
  : undefined;
const contracts = await deployAll(signer, {
  roles,
  adminDelay,
  bytecodes,
  onStep: (m) => console.log(`deploy: ${m}`),
});
const deployment = { chainId, deployedAt: new Date().toISOString(), contracts };
await mkdir(dirname(file), { recursive: true });
await writeFile(file, JSON.stringify(deployment, null, 2) + '\n');
console.log(`deploy: wrote ${file}`);
console.log(JSON.stringify(deployment, null, 2));
provider.destroy();
