// Test harness for the contract integration tests: a private real anvil per test file (time travel stays private),
// funded wallets per test file (distinct HD indexes so files can run in parallel), fresh deployments.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import {
  type Contract,
  type ContractTransactionReceipt,
  type ContractTransactionResponse,
  HDNodeWallet,
  JsonRpcProvider,
  Mnemonic,
  type Wallet,
  Interface,
  getAddress,
  hexlify,
  randomBytes,
} from 'ethers';
import { AnchorsAbi, ConsentAbi, OrganCustodyAbi, RegistrarAbi, RelationshipsAbi } from '../../ts/index.js';
import {
  deployAll,
  type ContractAddresses,
  registrarAt,
  relationshipsAt,
  consentAt,
  anchorsAt,
} from '../../ts/index.js';

const MNEMONIC = Mnemonic.fromPhrase('test test test test test test test test test test test junk');

export interface Chain {
  provider: JsonRpcProvider;
  chainId: bigint;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

async function waitForRpc(provider: JsonRpcProvider, deadlineMs: number): Promise<bigint> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      return (await provider.getNetwork()).chainId;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Starts a private anvil on a free port for each test file: these tests move chain time forward
 * (evm_increaseTime), which on the platform's shared chain would expire every deadline the services compute from
 * the wall clock. UHR_CONTRACTS_TEST_RPC_URL points them at an existing node instead, on purpose.
 */
export async function startChain(): Promise<Chain> {
  let child: ChildProcess | undefined;
  let url = process.env.UHR_CONTRACTS_TEST_RPC_URL;
  if (!url) {
    const port = await freePort();
    const bin = resolve(process.cwd(), 'node_modules/.bin/anvil');
    child = spawn(bin, ['--port', String(port), '--silent'], { stdio: 'ignore' });
    url = `http://127.0.0.1:${port}`;
  }
  const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
  provider.pollingInterval = 50;
  const chainId = await waitForRpc(provider, 15_000);
  return {
    provider,
    chainId,
    async stop() {
      provider.destroy();
      if (child) {
        const exited = new Promise((r) => child!.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** `count` funded wallets at HD indexes offset..offset+count-1 of the anvil mnemonic. */
export async function fundedWallets(chain: Chain, offset: number, count: number): Promise<Wallet[]> {
  const out: Wallet[] = [];
  for (let i = 0; i < count; i++) {
    const w = HDNodeWallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${offset + i}`).connect(chain.provider);
    await chain.provider.send('anvil_setBalance', [w.address, '0x56BC75E2D63100000']); // 100 ether
    out.push(w as unknown as Wallet);
  }
  return out;
}

export interface System {
  addresses: ContractAddresses;
  registrar: Contract;
  relationships: Contract;
  consent: Contract;
  anchors: Contract;
}

export async function deploySystem(
  admin: Wallet,
  roles: { registrar: Wallet; relayer: Wallet; gatekeeper: Wallet; anchorer: Wallet },
): Promise<System> {
  const addresses = await deployAll(admin, {
    roles: {
      registrar: [roles.registrar.address],
      relayer: [roles.relayer.address],
      gatekeeper: [roles.gatekeeper.address],
      anchorer: [roles.anchorer.address],
    },
  });
  return {
    addresses,
    registrar: registrarAt(addresses.Registrar, admin),
    relationships: relationshipsAt(addresses.Relationships, admin),
    consent: consentAt(addresses.Consent, admin),
    anchors: anchorsAt(addresses.Anchors, admin),
  };
}

export const randomId = (): string => hexlify(randomBytes(32));
export const randomAddress = (): string => getAddress(hexlify(randomBytes(20)));

/** Sends and mines a transaction, returning its receipt. */
export async function mined(tx: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error('no receipt');
  return receipt;
}

/** Decoded events named `name` emitted by `contract` in `receipt`. */
export function eventsOf(receipt: ContractTransactionReceipt, contract: Contract, name: string): unknown[][] {
  const target = String(contract.target).toLowerCase();
  const out: unknown[][] = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== target) continue;
    const parsed = contract.interface.parseLog(log);
    if (parsed?.name === name) out.push([...parsed.args]);
  }
  return out;
}

/** Asserts that the call reverts with the custom error `name` (and, if given, these arguments). */
export async function expectRevert(call: Promise<unknown>, name: string, args?: unknown[]): Promise<void> {
  let error: unknown;
  try {
    const res = await call;
    if (res && typeof (res as ContractTransactionResponse).wait === 'function') {
      await (res as ContractTransactionResponse).wait();
    }
  } catch (err) {
    error = err;
  }
  if (error === undefined) throw new Error(`expected revert ${name}, but the call succeeded`);
  const revert = decodeRevert(error);
  if (!revert) throw new Error(`expected revert ${name}, got ${String((error as Error).message).slice(0, 300)}`);
  expect(revert.name).toBe(name);
  if (args) expect([...revert.args].map(norm)).toEqual(args.map(norm));
}

// Errors thrown while a signer estimates gas are not decoded by ethers; decode them against every UHR error.
const allErrors = new Interface(
  [...RegistrarAbi, ...RelationshipsAbi, ...ConsentAbi, ...AnchorsAbi, ...OrganCustodyAbi]
    .filter((f) => f.type === 'error')
    .filter((f, i, all) => all.findIndex((g) => g.name === f.name) === i) as never,
);

function decodeRevert(error: unknown): { name: string; args: unknown[] } | undefined {
  const e = error as {
    revert?: { name: string; args: unknown[] };
    data?: string;
    info?: { error?: { data?: string } };
  };
  if (e.revert) return e.revert;
  const data = e.data ?? e.info?.error?.data;
  if (typeof data !== 'string' || data.length < 10) return undefined;
  const parsed = allErrors.parseError(data);
  return parsed ? { name: parsed.name, args: [...parsed.args] } : undefined;
}

const norm = (v: unknown): unknown => (typeof v === 'string' ? v.toLowerCase() : typeof v === 'number' ? BigInt(v) : v);

export async function now(chain: Chain): Promise<number> {
  const block = await chain.provider.getBlock('latest');
  return block!.timestamp;
}

/** Moves chain time forward and mines a block (anvil). */
export async function increaseTime(chain: Chain, seconds: number): Promise<void> {
  await chain.provider.send('evm_increaseTime', [seconds]);
  await chain.provider.send('evm_mine', []);
}
