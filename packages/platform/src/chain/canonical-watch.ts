import { toQuantity } from 'ethers';
import type { ChainJobStore } from './chain-jobs.js';
import type { JsonRpcBatch } from './json-rpc-batch.js';

const PAGE = 64;

/**
 * Notices that the chain no longer holds a block that confirmed a job (a reorg, a rollback, a node restored from
 * an older backup). Block hashes chain to their parents, so when the newest confirmed block is still canonical
 * every older one is too: a healthy pass costs one query and one `eth_getBlockByNumber`. Only on a mismatch does
 * it walk down, a page at a time, to the first stored block the chain still holds.
 */
export class CanonicalWatch {
  constructor(
    private readonly store: ChainJobStore,
    private readonly rpc: JsonRpcBatch,
  ) {}

  /** The lowest confirming block that is no longer canonical, or undefined when all still are. */
  async firstVanished(): Promise<number | undefined> {
    let vanished: number | undefined;
    let below: number | null = null;
    for (;;) {
      const page = await this.store.newestConfirmedBlocks(below, vanished === undefined ? 1 : PAGE);
      if (page.length === 0) return vanished;
      const canonical = await this.canonical(page);
      for (const [i, stored] of page.entries()) {
        if (canonical[i]) return vanished;
        vanished = Number(stored.n);
      }
      below = vanished!;
    }
  }

  private async canonical(blocks: Array<{ n: string; hash: string }>): Promise<boolean[]> {
    const answers = await this.rpc.many<{ hash: string } | null>(
      blocks.map((b) => ['eth_getBlockByNumber', [toQuantity(BigInt(b.n)), false]]),
    );
    return answers.map((a, i) => {
      if (!a.ok) throw new Error(`eth_getBlockByNumber: ${a.error.message}`);
      return a.result?.hash === blocks[i]!.hash;
    });
  }
}
