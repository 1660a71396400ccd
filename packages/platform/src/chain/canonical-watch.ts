import { toQuantity } from 'ethers';
import type { ChainJobStore, StoredBlock } from './chain-jobs.js';
import type { JsonRpcBatch } from './json-rpc-batch.js';

/** Heights examined per query when walking down after a mismatch. */
const WINDOW = 256;
/** Jobs whose blocks a writer with no memory yet (a restart, a new leader) checks first. */
const FIRST_LOOK = 256;

/**
 * Notices that the chain no longer holds a block that confirmed a job (a reorg, a rollback, a node restored from
 * an older backup). Each pass checks, in one `eth_getBlockByNumber` batch, the newest block it last found
 * canonical (the anchor) and the blocks that confirmed jobs since. Hashes chain to parents, so when they all hold,
 * every older stored block — an ancestor of the old anchor — holds too. On a mismatch it walks down, a window of
 * heights at a time, to the first stored block below all of them that the chain still holds.
 */
export class CanonicalWatch {
  private anchor: StoredBlock | undefined;
  private readonly recent = new Map<string, StoredBlock>();

  constructor(
    private readonly store: ChainJobStore,
    private readonly rpc: JsonRpcBatch,
  ) {}

  /** A block that has just confirmed jobs, to be checked on the next pass. */
  saw(block: StoredBlock): void {
    this.recent.set(block.hash, block);
  }

  /** Hashes of stored confirming blocks the chain no longer holds (empty when all still do). */
  async vanished(): Promise<string[]> {
    const suspects = [...(this.anchor ? [this.anchor] : await this.store.newestConfirmedBlocks(FIRST_LOOK))];
    suspects.push(...this.recent.values());
    this.recent.clear();
    if (suspects.length === 0) return [];
    const held = await this.canonical(suspects);
    if (held.every(Boolean)) {
      this.anchor = suspects.reduce((a, b) => (b.n > a.n ? b : a));
      return [];
    }
    this.anchor = undefined;
    const floor = Math.min(...suspects.map((b) => b.n));
    return this.walkDown(floor, new Set(suspects.filter((_b, i) => !held[i]).map((b) => b.hash)));
  }

  /** Every stored block at or above `floor` is checked, then downwards until one below it still holds. */
  private async walkDown(floor: number, gone: Set<string>): Promise<string[]> {
    for (let top: number | undefined = Number.MAX_SAFE_INTEGER; top !== undefined;) {
      const page = await this.store.confirmedBlocksAtOrBelow(top, WINDOW);
      // A full page may end inside a height: that height is read whole by the next page.
      const lowest = page.at(-1)?.n;
      const more = page.length === WINDOW && lowest !== undefined;
      const whole = more ? page.filter((b) => b.n !== lowest) : page;
      const blocks = whole.length > 0 ? whole : page;
      const held = await this.canonical(blocks);
      for (const [i, b] of blocks.entries()) {
        if (!held[i]) gone.add(b.hash);
        else if (b.n < floor) return [...gone];
      }
      top = more ? (whole.length > 0 ? lowest : lowest - 1) : undefined;
    }
    return [...gone];
  }

  private async canonical(blocks: StoredBlock[]): Promise<boolean[]> {
    const answers = await this.rpc.many<{ hash: string } | null>(
      blocks.map((b) => ['eth_getBlockByNumber', [toQuantity(b.n), false]]),
    );
    return answers.map((a, i) => {
      if (!a.ok) throw new Error(`eth_getBlockByNumber: ${a.error.message}`);
      return a.result?.hash === blocks[i]!.hash;
    });
  }
}
