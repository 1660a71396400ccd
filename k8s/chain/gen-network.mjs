// The dev QBFT network's keys and public files. Run from the repository root:
//   node k8s/chain/gen-network.mjs           make missing keys, then write the public files
//   node k8s/chain/gen-network.mjs --check   fail if the public files do not follow from network/validators.json
//                                            and network/accounts.json (no keys needed; npm test runs it)
// Keys (validators' node keys, the contract deployer's and each chain-writing service's signer) go to
// k8s/chain/.dev-keys/ (git-ignored) as Secret manifests and an env file; only addresses, node public keys,
// genesis.json and static-nodes.json are committed. An agency makes its own keys the same way and shares only its
// validator's address and enode (k8s/README.md, "Joining the network").
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Wallet, decodeRlp, encodeRlp, getAddress, SigningKey, zeroPadValue } from 'ethers';

const here = dirname(fileURLToPath(import.meta.url));
const networkDir = join(here, 'network');
const keysDir = join(here, '.dev-keys');
const VALIDATORS = 4;
const CHAIN_ID = 2026;
const NAMESPACE = 'uhr-chain';
/** The chain-writing services, each with its own signer (one nonce sequence), and the roles it is granted. */
const SIGNERS = {
  registrar: ['UHR_ROLE_REGISTRAR'],
  consent: ['UHR_ROLE_RELAYER'],
  records: ['UHR_ROLE_RELAYER', 'UHR_ROLE_GATEKEEPER', 'UHR_ROLE_ANCHORER'],
  'drug-trace': ['UHR_ROLE_ANCHORER'],
  'organ-registry': ['UHR_ROLE_ANCHORER', 'UHR_ROLE_CUSTODY_RELAYER'],
  billing: ['UHR_ROLE_ANCHORER'],
};
const ROLES = ['UHR_ROLE_REGISTRAR', 'UHR_ROLE_RELAYER', 'UHR_ROLE_GATEKEEPER', 'UHR_ROLE_ANCHORER', 'UHR_ROLE_CUSTODY_RELAYER'];

/**
 * QBFT genesis extraData: RLP([32-byte vanity, [validator addresses], vote (none: empty list), round 0, seals
 * (none: empty list)]).
 */
export function qbftExtraData(addresses) {
  return encodeRlp([zeroPadValue('0x', 32), addresses.map((a) => getAddress(a).toLowerCase()), [], '0x', []]);
}

/** The node's enode on its headless Service (DNS names need Besu's --Xdns-enabled; discovery is off). */
export const enodeOf = (v) =>
  `enode://${v.publicKey.slice(2)}@${v.name}-0.${v.name}.${NAMESPACE}.svc.cluster.local:30303?discport=0`;

export function genesisOf(validators, accounts) {
  const alloc = {};
  for (const a of accounts) alloc[getAddress(a.address).slice(2).toLowerCase()] = { balance: '0x' + (10n ** 27n).toString(16) };
  return {
    config: {
      chainId: CHAIN_ID,
      berlinBlock: 0,
      londonBlock: 0,
      shanghaiTime: 0,
      cancunTime: 0,
      zeroBaseFee: true,
      // 4 validators tolerate f = 1 faulty (n ≥ 3f + 1): a block needs 3 of 4 seals.
      qbft: { blockperiodseconds: 2, epochlength: 30000, requesttimeoutseconds: 4 },
    },
    nonce: '0x0',
    timestamp: '0x0',
    gasLimit: '0x1fffffffffffff',
    difficulty: '0x1',
    mixHash: '0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365',
    coinbase: '0x0000000000000000000000000000000000000000',
    extraData: qbftExtraData(validators.map((v) => v.address)),
    alloc,
  };
}

export const rolesOf = (accounts) =>
  ROLES.map((role) => `${role}=${accounts.filter((a) => a.roles?.includes(role)).map((a) => a.address).join(',')}`).join('\n') + '\n';

const json = (v) => JSON.stringify(v, null, 2) + '\n';

function publicFiles(validators, accounts) {
  return {
    [join(networkDir, 'genesis.json')]: json(genesisOf(validators, accounts)),
    [join(networkDir, 'static-nodes.json')]: json(validators.map(enodeOf)),
    [join(here, '..', 'overlays', 'dev', 'chain-roles.env')]: rolesOf(accounts),
  };
}

function check() {
  const validators = JSON.parse(readFileSync(join(networkDir, 'validators.json'), 'utf8'));
  const accounts = JSON.parse(readFileSync(join(networkDir, 'accounts.json'), 'utf8'));
  const [vanity, listed, vote, round, seals] = decodeRlp(qbftExtraData(validators.map((v) => v.address)));
  const sane = vanity.length === 66 && listed.length === validators.length && vote.length === 0 && round === '0x' && seals.length === 0;
  const stale = Object.entries(publicFiles(validators, accounts)).filter(([f, text]) => !existsSync(f) || readFileSync(f, 'utf8') !== text);
  for (const [f] of stale) console.error(`k8s/chain: ${f} is stale: run node k8s/chain/gen-network.mjs`);
  if (!sane) console.error('k8s/chain: the QBFT extraData does not decode to [vanity, validators, [], 0, []]');
  if (stale.length > 0 || !sane) process.exit(1);
  console.log(`k8s/chain: genesis and static-nodes follow from ${validators.length} validators`);
}

function keyOf(name) {
  const file = join(keysDir, `${name}.key`);
  if (!existsSync(file)) writeFileSync(file, Wallet.createRandom().privateKey + '\n', { mode: 0o600 });
  return new Wallet(readFileSync(file, 'utf8').trim());
}

const secret = (name, data) =>
  json({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: NAMESPACE }, type: 'Opaque', stringData: data });

function generate() {
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const validators = [];
  for (let i = 0; i < VALIDATORS; i++) {
    const name = `besu-validator-${i}`;
    const w = keyOf(name);
    validators.push({ name, address: w.address, publicKey: '0x' + SigningKey.computePublicKey(w.privateKey).slice(4) });
    writeFileSync(join(keysDir, `${name}-key.yaml`), secret(`${name}-key`, { key: w.privateKey }), { mode: 0o600 });
  }
  const deployer = keyOf('deployer');
  const accounts = [{ name: 'deployer', address: deployer.address }];
  const env = [`UHR_DEPLOYER_KEY=${deployer.privateKey}`];
  for (const [svc, roles] of Object.entries(SIGNERS)) {
    const w = keyOf(`signer-${svc}`);
    accounts.push({ name: svc, address: w.address, roles });
    env.push(`${svc}: UHR_CHAIN_SIGNER_KEY=${w.privateKey}`);
  }
  writeFileSync(join(keysDir, 'signers.env'), env.join('\n') + '\n', { mode: 0o600 });
  mkdirSync(networkDir, { recursive: true });
  writeFileSync(join(networkDir, 'validators.json'), json(validators));
  writeFileSync(join(networkDir, 'accounts.json'), json(accounts));
  for (const [f, text] of Object.entries(publicFiles(validators, accounts))) writeFileSync(f, text);
  console.log(`k8s/chain: ${VALIDATORS} validators, keys in ${keysDir} (kubectl apply -f it; never commit)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) check();
  else generate();
}
