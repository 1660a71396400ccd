import { cpuBetween, cpuPerUnit, groupOfCommand, sampleCpu, type CpuSample } from '../../src/testing/machine-cpu.js';

describe('machine CPU accounting for benchmarks', () => {
  it.each([
    ['node --enable-source-maps services/records/dist/main.js', 'records'],
    ['/usr/lib/postgresql/16/bin/postgres -D /work/.uhr/pg', 'postgres'],
    ['postgres: uhr uhr_records 127.0.0.1(5512) idle', 'postgres'],
    ['java -Xmx1G -cp /work/.uhr/kafka_2.13-3.9.1/libs/* kafka.Kafka server.properties', 'kafka'],
    ['java -Dkc.home.dir=/work/.uhr/keycloak-26 -jar quarkus-run.jar start --db=postgres', 'keycloak'],
    ['/work/node_modules/@foundry-rs/anvil/bin/anvil --port 8545', 'chain'],
    ['java -jar /work/.uhr/s3proxy.jar --properties s3proxy.conf', 's3'],
    ['/usr/sbin/sshd -D', 'other'],
  ])('%s is counted as %s', (cmdline, group) => {
    expect(groupOfCommand(cmdline)).toBe(group);
  });

  it('the bench itself is its own group, whatever its command line', () => {
    expect(groupOfCommand('node services/records/bench/records.ts', true)).toBe('bench (load generator)');
  });

  it('charges each group the jiffies its processes used between samples; a recycled pid starts from 0', () => {
    const a: CpuSample = {
      atMs: 0,
      busy: 1000,
      processes: new Map([
        ['10@5', ['records', 300]],
        ['11@5', ['postgres', 50]],
        ['12@7', ['postgres', 900]],
      ]),
    };
    const b: CpuSample = {
      atMs: 2000,
      busy: 1300,
      processes: new Map([
        ['10@5', ['records', 420]],
        ['11@5', ['postgres', 80]],
        ['12@99', ['postgres', 20]], // pid 12 again, another process
      ]),
    };
    const use = cpuBetween(a, b);
    expect(use).toEqual({
      wallMs: 2000,
      busyMs: 3000,
      groups: [
        ['records', 1200],
        ['postgres', 500],
      ],
    });
    expect(cpuPerUnit(use, 1000)).toMatch(
      /^machine CPU 3\.00 ms\/record \(1\.50 cores busy, load [\d.]+\): records 1\.20, postgres 0\.50$/,
    );
  });

  it('reads this machine: its own process is among the samples and the busy time only grows', () => {
    const a = sampleCpu();
    let x = 0;
    for (let i = 0; i < 2e6; i++) x += Math.sqrt(i);
    const b = sampleCpu();
    expect(x).toBeGreaterThan(0);
    expect([...b.processes.values()].some(([g]) => g === 'bench (load generator)')).toBe(true);
    expect(b.busy).toBeGreaterThanOrEqual(a.busy);
  });
});
