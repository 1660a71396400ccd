/**
 * The GS1 Application Identifiers this service accepts, with their syntax (GS1 General Specifications and
 * GS1 Barcode Syntax Dictionary). A scan naming any other AI is refused with 'unknown-ai'.
 *
 * Line format:  AI[-AI]  [*]  component...  [req=A,B]...  [ex=A,B]  [dl[=Q,Q|Q]]  [noattr]  # title
 *   *          predefined length: no GS separator needed after it
 *   component  N (digits), X (character set 82) or Y (set 39) with a length "6" or "..20", optional
 *              checks after commas (csum = GS1 check digit, yymmd0 = date with DD=00, yymmdd, hhmm, zero);
 *              [..] marks an optional last component
 *   req=A,B    one of A, B must be present (repeat the key for several requirements)
 *   ex=A,B     none of A, B may be present; "n" in a pattern matches any digit
 *   dl         a GS1 Digital Link primary key, with its ordered optional qualifier sequences
 *   noattr     never a Digital Link data attribute
 */
const TABLE = `
00    * N18,csum                 dl                                # SSCC
01    * N14,csum                 ex=02,255,37 dl=22,10,21|235      # GTIN
02    * N14,csum                 req=37                            # CONTENT
10      X..20                    req=01,02,8006,8026               # BATCH/LOT
11    * N6,yymmd0                req=01,02,8006,8026               # PROD DATE
12    * N6,yymmd0                req=8020                          # DUE DATE
13    * N6,yymmd0                req=01,02,8006,8026               # PACK DATE
15    * N6,yymmd0                req=01,02,8006,8026               # BEST BEFORE
16    * N6,yymmd0                req=01,02,8006,8026               # SELL BY
17    * N6,yymmd0                req=01,02,255,8006,8026           # USE BY OR EXPIRY
20    * N2                       req=01,02,8006,8026               # VARIANT
21      X..20                    req=01,8006 ex=235 noattr         # SERIAL
22      X..20                    req=01                            # CPV
235     X..28                    req=01                            # TPX
240     X..30                    req=01,02,8006,8026               # ADDITIONAL ID
241     X..30                    req=01,02,8006,8026               # CUST. PART No.
242     N..6                     req=01,02,8006,8026               # MTO VARIANT
243     X..20                    req=01                            # PCN
250     X..30                    req=01,8006 req=21                # SECONDARY SERIAL
251     X..30                    req=01,8006                       # REF. TO SOURCE
253     N13,csum [X..17]         dl                                # GDTI
254     X..20                    req=414                           # GLN EXTENSION COMPONENT
255     N13,csum [N..12]         dl ex=01,02,415,8006,8020,8026    # GCN
30      N..8                     req=01,02                         # VAR. COUNT
37      N..8                     req=00 req=02,8026                # COUNT
3920-3929 N..15                  req=01 req=30,31nn,32nn,35nn,36nn ex=392n # PRICE
400     X..30                                                      # ORDER NUMBER
401     X..30                    dl                                # GINC
402     N17,csum                 dl                                # GSIN
403     X..30                    req=00                            # ROUTE
410   * N13,csum                                                   # SHIP TO LOC
411   * N13,csum                                                   # BILL TO
412   * N13,csum                                                   # PURCHASE FROM
413   * N13,csum                                                   # SHIP FOR LOC
414   * N13,csum                 dl=254|7040                       # LOC No.
415   * N13,csum                 req=8020 dl=8020                  # PAY TO
416   * N13,csum                                                   # PROD/SERV LOC
417   * N13,csum                 dl=7040                           # PARTY
420     X..20                    ex=421                            # SHIP TO POST
421     N3 X..9                  ex=420                            # SHIP TO POST
422     N3                       req=01,02,8006,8026               # ORIGIN
7001    N13                      req=01,02,8006,8026               # NSN
7003    N6,yymmdd N4,hhmm        req=01,02                         # EXPIRY TIME
7004    N..4                     req=01 req=10                     # ACTIVE POTENCY
7006    N6,yymmdd                req=01,02                         # FIRST FREEZE DATE
7040    N1 X1 X1 X1                                                # UIC+EXT
710     X..20                    req=01                            # NHRN PZN
711     X..20                    req=01                            # NHRN CIP
712     X..20                    req=01                            # NHRN CN
713     X..20                    req=01                            # NHRN DRN
714     X..20                    req=01                            # NHRN AIM
715     X..20                    req=01                            # NHRN NDC
716     X..20                    req=01                            # NHRN AIC
7240    X..20                    req=01,8006                       # PROTOCOL
8003    N1,zero N13,csum [X..16] dl                                # GRAI
8004    X..30                    dl=7040                           # GIAI
8006    N14,csum N4              ex=01,37 dl=22,10,21              # ITIP
8010    Y..30                    dl=8011                           # CPID
8011    N..12                    req=8010                          # CPID SERIAL
8012    X..20                    req=01,8006                       # VERSION
8017    N18,csum                 ex=8018 dl=8019                   # GSRN - PROVIDER
8018    N18,csum                 ex=8017 dl=8019                   # GSRN - RECIPIENT
8019    N..10                    req=8017,8018                     # SRIN
8020    X..25                    req=415                           # REF No.
8026    N14,csum N4              req=37 ex=02,8006                 # ITIP CONTENT
8200    X..70                    req=01 noattr                     # PRODUCT URL
90      X..30                                                      # INTERNAL
91-99   X..90                                                      # INTERNAL
`;

/** Measures 31nn-36nn (N6, last digit the decimal point): trade-item ones need 01/02, logistic ones 00/01. */
const TRADE_MEASURES =
  '310 311 312 313 314 315 316 320 321 322 323 324 325 326 327 328 329 350 351 352 356 357 360 361 364 365 366';
const LOGISTIC_MEASURES =
  '330 331 332 333 334 335 336 340 341 342 343 344 345 346 347 348 349 353 354 355 362 363 367 368 369';

function measureLines(): string {
  const line = (p: string, req: string) => `${p}0-${p}5 * N6 req=${req} ex=${p}n # MEASURE ${p}n`;
  const trade = TRADE_MEASURES.split(' ').map((p) => line(p, '01,02'));
  const logistic = LOGISTIC_MEASURES.split(' ').map((p) => line(p, '00,01'));
  return [...trade, ...logistic, line('337', '01')].join('\n');
}

export type Check = 'csum' | 'yymmd0' | 'yymmdd' | 'hhmm' | 'zero';

export interface Component {
  kind: 'N' | 'X' | 'Y';
  min: number;
  max: number;
  checks: Check[];
}

export interface AiDef {
  ai: string;
  title: string;
  /** Needs no GS separator after it (GS1 predefined-length table). */
  predefined: boolean;
  components: Component[];
  /** Every component fixed: the value always has maxLength characters. */
  fixed: boolean;
  minLength: number;
  maxLength: number;
  /** Each inner list: at least one of these AIs (or patterns) must be present. */
  requires: string[][];
  excludes: string[];
  /** Present when a Digital Link primary key: the allowed ordered qualifier sequences. */
  dlQualifiers?: string[][];
  dlAttribute: boolean;
}

function parseComponent(token: string): Component {
  const optional = token.startsWith('[');
  const [type = '', ...checks] = token.replace(/[[\]]/g, '').split(',');
  const kind = type[0] as Component['kind'];
  const variable = type.slice(1, 3) === '..';
  const max = Number(type.slice(variable ? 3 : 1));
  return { kind, min: optional ? 0 : variable ? 1 : max, max, checks: checks as Check[] };
}

function defsOf(line: string): AiDef[] {
  const [body = '', title = ''] = line.split('#');
  const tokens = body.trim().split(/\s+/);
  const range = tokens.shift() ?? '';
  const predefined = tokens[0] === '*';
  if (predefined) tokens.shift();
  const def: Omit<AiDef, 'ai'> = {
    title: title.trim(),
    predefined,
    components: [],
    fixed: true,
    minLength: 0,
    maxLength: 0,
    requires: [],
    excludes: [],
    dlAttribute: true,
  };
  for (const t of tokens) applyToken(def, t);
  const [from = '', to = from] = range.split('-');
  const ais: AiDef[] = [];
  for (let n = Number(from); n <= Number(to); n++) ais.push({ ...def, ai: String(n).padStart(from.length, '0') });
  return ais;
}

function applyToken(def: Omit<AiDef, 'ai'>, t: string): void {
  if (t.startsWith('req=')) def.requires.push(t.slice(4).split(','));
  else if (t.startsWith('ex=')) def.excludes.push(...t.slice(3).split(','));
  else if (t === 'dl') def.dlQualifiers = [[]];
  else if (t.startsWith('dl='))
    def.dlQualifiers = t
      .slice(3)
      .split('|')
      .map((s) => s.split(','));
  else if (t === 'noattr') def.dlAttribute = false;
  else {
    const c = parseComponent(t);
    def.components.push(c);
    def.minLength += c.min;
    def.maxLength += c.max;
    def.fixed &&= c.min === c.max;
  }
}

const DEFS = new Map<string, AiDef>();
for (const line of `${TABLE}\n${measureLines()}`.split('\n')) {
  if (line.trim() !== '') for (const d of defsOf(line)) DEFS.set(d.ai, d);
}

/** Every AI that qualifies some primary key in a Digital Link path. */
export const DL_QUALIFIERS: ReadonlySet<string> = new Set(
  [...DEFS.values()].flatMap((d) => (d.dlQualifiers ?? []).flat()),
);

export function aiDef(ai: string): AiDef | undefined {
  return DEFS.get(ai);
}

/** The AI starting at s[i] (AIs are prefix-free: at most one of the 2-, 3- and 4-digit readings is known). */
export function matchAi(s: string, i: number): AiDef | undefined {
  return DEFS.get(s.substring(i, i + 2)) ?? DEFS.get(s.substring(i, i + 3)) ?? DEFS.get(s.substring(i, i + 4));
}

/** "n" in a pattern matches any digit: "310n" matches 3103. */
export function matchesPattern(ai: string, pattern: string): boolean {
  if (ai.length !== pattern.length) return false;
  for (let i = 0; i < ai.length; i++) if (pattern[i] !== 'n' && pattern[i] !== ai[i]) return false;
  return true;
}

export function allDefs(): Iterable<AiDef> {
  return DEFS.values();
}
