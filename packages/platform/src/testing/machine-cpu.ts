import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/**
 * Where a benchmark's CPU goes on the whole machine, not only in the service under test: every process's
 * utime + stime from /proc, grouped by what it is (a UHR service, PostgreSQL, Kafka, the chain…), and the
 * machine's busy time from /proc/stat. Divided by the units a phase produced, it shows what bounds the rate.
 */
export interface CpuSample {
  atMs: number;
  /** Busy jiffies of all CPUs (user, nice, system, irq, softirq, steal). */
  busy: number;
  /** pid@start time → [group, jiffies]. */
  processes: Map<string, [string, number]>;
}

const JIFFY_MS = 10; // USER_HZ is 100 on Linux

/** The group a process belongs to, from its command line. */
export function groupOfCommand(cmdline: string, self = false): string {
  if (self) return 'bench (load generator)';
  const service = /services\/([a-z-]+)\//.exec(cmdline);
  if (service) return service[1]!;
  const known: Array<[RegExp, string]> = [
    [/keycloak/i, 'keycloak'], // before postgres: its command line names its database
    [/postgres/, 'postgres'],
    [/kafka/i, 'kafka'],
    [/anvil|geth|besu/, 'chain'],
    [/s3proxy|minio/i, 's3'],
    [/jest|tsc|esbuild|vite/, 'tooling'],
  ];
  return known.find(([re]) => re.test(cmdline))?.[1] ?? 'other';
}

function busyJiffies(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .map(Number);
  return user! + nice! + system! + irq! + softirq! + steal!;
}

/** A process's identity (pid and start time: a recycled pid is another process), group and CPU jiffies. */
function processJiffies(pid: string): { key: string; group: string; jiffies: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return {
      key: `${pid}@${fields[19]}`,
      group: groupOfCommand(cmdline, pid === String(process.pid)),
      jiffies: Number(fields[11]) + Number(fields[12]),
    };
  } catch {
    return undefined; // exited between the listing and the read
  }
}

export function sampleCpu(): CpuSample {
  const processes = new Map<string, [string, number]>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    const p = processJiffies(pid);
    if (p) processes.set(p.key, [p.group, p.jiffies]);
  }
  return { atMs: Date.now(), busy: busyJiffies(), processes };
}

export interface CpuUse {
  wallMs: number;
  /** Busy CPU time of the whole machine, ms; ÷ wallMs = cores in use. */
  busyMs: number;
  /** CPU ms per group, largest first (processes alive at the end; one that started late counts from 0). */
  groups: Array<[string, number]>;
}

export function cpuBetween(a: CpuSample, b: CpuSample): CpuUse {
  const groups = new Map<string, number>();
  for (const [key, [group, jiffies]] of b.processes) {
    const before = a.processes.get(key)?.[1] ?? 0;
    groups.set(group, (groups.get(group) ?? 0) + (jiffies - before) * JIFFY_MS);
  }
  return {
    wallMs: b.atMs - a.atMs,
    busyMs: (b.busy - a.busy) * JIFFY_MS,
    groups: [...groups].filter(([, ms]) => ms > 0).sort((x, y) => y[1] - x[1]),
  };
}

/** One line: the machine's cores in use and load, then CPU ms per unit, overall and by group. */
export function cpuPerUnit(use: CpuUse, units: number, unit = 'record'): string {
  const per = (ms: number) => (units > 0 ? (ms / units).toFixed(2) : 'n/a');
  const cores = (use.busyMs / Math.max(1, use.wallMs)).toFixed(2);
  const parts = use.groups.map(([g, ms]) => `${g} ${per(ms)}`).join(', ');
  return `machine CPU ${per(use.busyMs)} ms/${unit} (${cores} cores busy, load ${loadavg()[0]!.toFixed(2)}): ${parts}`;
}
