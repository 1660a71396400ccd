import { Transaction, Wallet } from 'ethers';
import { TransactionSigner } from '../../src/chain/transaction-signer.js';

const request = (nonce: number) => ({
  to: '0x00000000000000000000000000000000000000aa',
  data: `0x${'00'.repeat(31)}07`,
  nonce,
  gasLimit: 60_000n,
  chainId: 31337n,
  type: 2,
  maxFeePerGas: 10n ** 10n,
  maxPriorityFeePerGas: 1n,
});

it('makes the very bytes ethers makes, signed by the key', async () => {
  const wallet = Wallet.createRandom();
  const signer = new TransactionSigner(wallet.privateKey);
  for (const nonce of [0, 1, 255, 70_000]) {
    const raw = signer.sign(request(nonce));
    expect(raw).toBe(await wallet.signTransaction(request(nonce)));
    expect(Transaction.from(raw).from).toBe(wallet.address);
  }
});
