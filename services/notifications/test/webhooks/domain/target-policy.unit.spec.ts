import { isPublicAddress, refuseTarget } from '../../../src/webhooks/domain/target-policy.js';

describe('webhook target policy (SSRF)', () => {
  it.each([
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.20.0.1', false],
    ['192.168.1.10', false],
    ['169.254.169.254', false], // cloud metadata
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['8.8.8.8', true],
    ['2001:4860:4860::8888', true],
    ['::ffff:8.8.8.8', true],
    ['not-an-ip', false],
  ])('%s is public: %s', (ip, expected) => {
    expect(isPublicAddress(ip)).toBe(expected);
  });

  const resolver = (answers: Record<string, string[]>) => async (host: string) => {
    const a = answers[host];
    if (!a) throw new Error('ENOTFOUND');
    return a;
  };

  it('refuses loopback, private literals and names that resolve inside, naming the address', async () => {
    const r = resolver({ 'his.example': ['93.184.216.34'], 'sneaky.example': ['93.184.216.34', '10.0.0.5'] });
    expect(await refuseTarget('https://his.example/cb', false, r)).toBeNull();
    expect(await refuseTarget('http://127.0.0.1:8080/cb', false, r)).toMatch(/not a public address/);
    expect(await refuseTarget('http://[::1]/cb', false, r)).toMatch(/not a public address/);
    expect(await refuseTarget('http://localhost/cb', false, r)).toMatch(/not a public address/);
    expect(await refuseTarget('https://sneaky.example/cb', false, r)).toBe(
      'sneaky.example resolves to 10.0.0.5, which is not a public address',
    );
    expect(await refuseTarget('https://nowhere.example/cb', false, r)).toBe('nowhere.example does not resolve');
  });

  it('allows anything when the deployment allows private targets (development, tests)', async () => {
    expect(await refuseTarget('http://127.0.0.1:8080/cb', true, resolver({}))).toBeNull();
  });
});
