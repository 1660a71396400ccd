// Writes the cluster profile's Clique genesis (scripts/cluster.sh): chain id, the signers named in extraData,
// and a balance for anvil's ten development accounts (the deployer and the services' signers).
//   node scripts/cluster-genesis.mjs <chain-id> <out.json> <signer.key>…
import { readFileSync, writeFileSync } from 'node:fs';
import { HDNodeWallet, Mnemonic, Wallet } from 'ethers';

const [chainId, out, ...keyFiles] = process.argv.slice(2);
if (!chainId || !out || keyFiles.length === 0) throw new Error('usage: cluster-genesis.mjs <chain-id> <out> <key>…');
const signers = keyFiles.map((f) => new Wallet(`0x${readFileSync(f, 'utf8').trim()}`).address.toLowerCase());
const mnemonic = Mnemonic.fromPhrase('test test test test test test test test test test test junk');
const funded = Array.from({ length: 10 }, (_, i) => HDNodeWallet.fromMnemonic(mnemonic, `m/44'/60'/0'/0/${i}`).address);

// Clique's extraData: 32 vanity bytes, the sorted signer addresses, a 65-byte seal (empty in the genesis).
const extraData = `0x${'00'.repeat(32)}${[...signers]
  .sort()
  .map((a) => a.slice(2))
  .join('')}${'00'.repeat(65)}`;
const london = Object.fromEntries(
  [
    'homestead',
    'eip150',
    'eip155',
    'eip158',
    'byzantium',
    'constantinople',
    'petersburg',
    'istanbul',
    'berlin',
    'london',
  ].map((f) => [`${f}Block`, 0]),
);
const genesis = {
  config: { chainId: Number(chainId), ...london, clique: { period: 1, epoch: 30000 } },
  difficulty: '0x1',
  gasLimit: '0x1c9c380',
  extraData,
  alloc: Object.fromEntries(
    funded.map((a) => [a.slice(2).toLowerCase(), { balance: `0x${(10n ** 24n).toString(16)}` }]),
  ),
};
writeFileSync(out, JSON.stringify(genesis, null, 2));
console.log(`genesis: chain ${chainId}, signers ${signers.join(', ')}`);
