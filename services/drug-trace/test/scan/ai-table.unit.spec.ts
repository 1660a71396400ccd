import { aiDef, allDefs, matchAi } from '../../src/scan/ai-table.js';

// Expectations from the GS1 General Specifications (AI table, figure 7.8.5-2 predefined lengths).
describe('AI table', () => {
  it('knows the AIs pharma labels use', () => {
    const ais = '00 01 02 10 11 13 15 16 17 21 22 30 37 240 241 250 253 254 400 410 411 412 413 414 415 416 417';
    const more = '710 711 712 713 714 715 716 7003 8004 8006 3103 3922 90 91 99';
    for (const ai of `${ais} ${more}`.split(' ')) expect(aiDef(ai)?.ai).toBe(ai);
  });

  it.each([
    ['00', 18, true],
    ['01', 14, true],
    ['02', 14, true],
    ['17', 6, true],
    ['20', 2, true],
    ['3103', 6, true],
    ['414', 13, true],
    ['8006', 18, false],
    ['7003', 10, false],
  ])('(%s) is %d characters, predefined length: %s', (ai, length, predefined) => {
    const d = aiDef(ai);
    expect(d?.fixed).toBe(true);
    expect(d?.maxLength).toBe(length);
    expect(d?.predefined).toBe(predefined);
  });

  it.each([
    ['10', 20],
    ['21', 20],
    ['22', 20],
    ['240', 30],
    ['253', 30],
    ['710', 20],
    ['8004', 30],
    ['91', 90],
  ])('(%s) is variable, at most %d characters, needs a GS unless last', (ai, max) => {
    const d = aiDef(ai);
    expect(d?.fixed).toBe(false);
    expect(d?.maxLength).toBe(max);
    expect(d?.predefined).toBe(false);
  });

  it('is prefix-free, so an element string splits one way only', () => {
    const codes = [...allDefs()].map((d) => d.ai);
    const clashes = codes.flatMap((a) => codes.filter((b) => b !== a && b.startsWith(a)).map((b) => `${a}/${b}`));
    expect(codes.length).toBeGreaterThan(200);
    expect(clashes).toEqual([]);
  });

  it('matches the AI at a position', () => {
    expect(matchAi('xx7003...', 2)?.ai).toBe('7003');
    expect(matchAi('414...', 0)?.ai).toBe('414');
    expect(matchAi('89...', 0)).toBeUndefined();
    expect(matchAi('7', 0)).toBeUndefined();
  });

  it('Digital Link keys and qualifiers', () => {
    expect(aiDef('01')?.dlQualifiers).toEqual([['22', '10', '21'], ['235']]);
    expect(aiDef('00')?.dlQualifiers).toEqual([[]]);
    expect(aiDef('414')?.dlQualifiers).toEqual([['254'], ['7040']]);
    expect(aiDef('10')?.dlQualifiers).toBeUndefined();
    expect(aiDef('21')?.dlAttribute).toBe(false);
  });
});
