// Gas benchmark: gas per operation and per anchored record, compared with the committed gas-snapshot.json.
// Uses UHR_CHAIN_RPC_URL, or starts (and stops) its own anvil on a free port. `--update` rewrites the snapshot;
// without it the bench exits 1 when an operation costs more than 1% above its snapshot (enforceable in CI).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HDNodeWallet, JsonRpcProvider, Mnemonic, encodeBytes32String, id } from 'ethers';
const {
  MerkleTree,
  anchorLeaf,
  anchorsAt,
  consentAt,
  deployAll,
  grantRequestTuple,
  recordLeaf,
  registrarAt,
  relationshipsAt,
  responseLeaf,
  signBreakGlass,
  signEndRelationship,
  signGrant,
  signRevoke,
  organCustodyAt,
  signHandOff,
  handOffTuple,
} = await import('../dist/ts/index.js').catch((err) => {
  console.error(`cannot load dist/ts/index.js (${err.message}); run \`npm run build -w @uhr/contracts\` first`);
  process.exit(1);
});

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const snapshotFile = join(here, '..', 'gas-snapshot.json');
const update = process.argv.includes('--update');
const BATCH_SIZES = [1, 64, 512, 4096];
const FAR = 10n ** 12n;
/** An operation may cost up to this much more than its snapshot before the bench fails. */
const TOLERANCE = 0.01;
/** Deterministic unordered nonces, so that calldata (and so gas) is the same on every run. */
const nonceOf = (label) => BigInt(id(`bench.nonce.${label}`));

async function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

let anvil;
let url = process.env.UHR_CHAIN_RPC_URL;
if (!url) {
  const port = await freePort();
  anvil = spawn(join(repoRoot, 'node_modules/.bin/anvil'), ['--port', String(port), '--silent'], { stdio: 'ignore' });
  url = `http://127.0.0.1:${port}`;
}
const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 50 });
const until = Date.now() + 15_000;
let chainId;
for (;;) {
  try {
    chainId = (await provider.getNetwork()).chainId;
    break;
  } catch (err) {
    if (Date.now() > until) throw err;
    await new Promise((r) => setTimeout(r, 100));
  }
}

try {
  const mnemonic = Mnemonic.fromPhrase('test test test test test test test test test test test junk');
  const wallets = [];
  for (let i = 0; i < 8; i++) {
    const w = HDNodeWallet.fromMnemonic(mnemonic, `m/44'/60'/0'/0/${900 + i}`).connect(provider);
    await provider.send('anvil_setBalance', [w.address, '0x56BC75E2D63100000']);
    wallets.push(w);
  }
  const [admin, registrarW, relayer, gatekeeper, anchorer, patientW, providerW, readerW] = wallets;
  const addresses = await deployAll(admin, {
    roles: {
      registrar: [registrarW.address],
      relayer: [relayer.address],
      gatekeeper: [gatekeeper.address],
      anchorer: [anchorer.address],
    },
  });
  const registrar = registrarAt(addresses.Registrar, registrarW);
  const relationships = relationshipsAt(addresses.Relationships, providerW);
  const consent = consentAt(addresses.Consent, relayer);
  const anchors = anchorsAt(addresses.Anchors, anchorer);
  const rDomain = { chainId, verifyingContract: addresses.Relationships };
  const cDomain = { chainId, verifyingContract: addresses.Consent };

  const gas = {};
  const measure = async (name, txPromise) => {
    const receipt = await (await txPromise).wait();
    gas[name] = Number(receipt.gasUsed);
  };

  const patientId = id('bench.patient');
  const providerId = id('bench.provider');
  const spareId = id('bench.spare');
  await measure('register', registrar.register(patientId, 1, id('bench.patient.doc'), patientW.address));
  await registrar.register(providerId, 2, id('bench.provider.doc'), providerW.address).then((t) => t.wait());
  await registrar.register(spareId, 3, id('bench.spare.doc'), readerW.address).then((t) => t.wait());
  await measure('edit', registrar.edit(spareId, 3, id('bench.spare.doc2')));
  await measure('rebind', registrar.rebind(spareId, admin.address));
  await measure('retire', registrar.retire(spareId));

  // Organ custody: one co-signed hand-off per transaction (OPO → centre), a check-in discrepancy reconciled.
  {
    const custody = organCustodyAt(addresses.OrganCustody, relayer);
    await custody
      .connect(admin)
      .grantRole(id('RELAYER_ROLE'), relayer.address)
      .then((t) => t.wait());
    const opo = id('bench.custody.opo');
    const centre = id('bench.custody.centre');
    await registrar.register(opo, 2, id('bench.custody.opo.doc'), admin.address).then((t) => t.wait());
    await registrar.register(centre, 2, id('bench.custody.centre.doc'), gatekeeper.address).then((t) => t.wait());
    const kd = { chainId, verifyingContract: addresses.OrganCustody };
    const organ = id('bench.custody.organ');
    await measure('registerOrgan', custody.registerOrgan(organ, id('bench.donor'), opo, id('bench.organ.data')));
    const h = {
      organId: organ,
      seq: 0,
      stage: 2,
      fromId: opo,
      toId: centre,
      detailsHash: id('bench.label'),
      discrepancy: false,
      nonce: nonceOf('custody.0'),
      deadline: FAR,
    };
    await measure(
      'handOff (co-signed)',
      custody.handOff(handOffTuple(h), await signHandOff(admin, kd, h), await signHandOff(gatekeeper, kd, h)),
    );
  }

  // Records in Merkle batches: one fresh slot per batch whatever its size; leaves mix records and answers.
  const asRelayerR = relationships.connect(relayer);
  const batchLeaves = (size, tag) =>
    Array.from({ length: size }, (_, i) =>
      i % 4 === 3
        ? responseLeaf({ patientId, recordId: id(`${tag}.r.${i - 1}`), accept: true, authHash: id(`${tag}.a.${i}`) })
        : recordLeaf({
            providerId,
            patientId,
            recordId: id(`${tag}.r.${i}`),
            category: encodeBytes32String('lab-results'),
            contentHash: id(`${tag}.c.${i}`),
            pointerHash: id(`${tag}.p.${i}`),
            authHash: id(`${tag}.a.${i}`),
          }),
    );
  const perRecordBatch = {};
  for (const size of BATCH_SIZES) {
    const tree = new MerkleTree(batchLeaves(size, `bench.batch.${size}`));
    const name = `anchorBatch (${size} leaves, no relationship opened)`;
    await measure(name, asRelayerR.anchorBatch(tree.root, size, []));
    perRecordBatch[size] = gas[name] / size;
  }
  const openTree = new MerkleTree(batchLeaves(64, 'bench.batch.open'));
  await measure(
    'anchorBatch (64 leaves, opens 1 relationship)',
    asRelayerR.anchorBatch(openTree.root, 64, [[patientId, providerId]]),
  );
  const eightProviders = Array.from({ length: 8 }, (_, k) => id(`bench.provider.${k}`));
  const eightTree = new MerkleTree(batchLeaves(64, 'bench.batch.open8'));
  await measure(
    'anchorBatch (64 leaves, opens 8 relationships)',
    asRelayerR.anchorBatch(
      eightTree.root,
      64,
      eightProviders.map((p) => [patientId, p]),
    ),
  );
  const skipTree = new MerkleTree(batchLeaves(64, 'bench.batch.skip'));
  await measure(
    'anchorBatch (64 leaves, 1 pair already open)',
    asRelayerR.anchorBatch(skipTree.root, 64, [[patientId, providerId]]),
  );
  const endMsg = { patientId, providerId: eightProviders[0], nonce: nonceOf('end'), deadline: FAR };
  await measure(
    'endRelationshipBySig',
    asRelayerR.endRelationshipBySig(
      patientId,
      endMsg.providerId,
      endMsg.nonce,
      FAR,
      await signEndRelationship(patientW, rDomain, endMsg),
    ),
  );
  await measure('endRelationship (direct)', relationships.connect(patientW).endRelationship(eightProviders[1]));

  const recordId = id('bench.batch.64.r.0');
  const block = await provider.getBlock('latest');
  const request = {
    grantId: id('bench.grant.1'),
    patientId,
    grantee: readerW.address,
    recordIds: [recordId],
    categories: [encodeBytes32String('lab-results')],
    purpose: encodeBytes32String('treatment'),
    validFrom: BigInt(block.timestamp) - 60n,
    validUntil: BigInt(block.timestamp) + 86_400n,
    maxUses: 0,
    nonce: nonceOf('grant'),
    deadline: FAR,
  };
  const grantSig = await signGrant(patientW, cDomain, request);
  await measure('grant (grantBySig, 1 record + 1 category)', consent.grantBySig(grantRequestTuple(request), grantSig));
  await measure(
    'consume',
    consent.connect(gatekeeper).consume(request.grantId, readerW.address, patientId, recordId, request.categories[0]),
  );
  const revokeMsg = { grantId: request.grantId, nonce: nonceOf('revoke'), deadline: FAR };
  await measure(
    'revoke (revokeBySig)',
    consent.revokeBySig(request.grantId, revokeMsg.nonce, FAR, await signRevoke(patientW, cDomain, revokeMsg)),
  );
  await measure(
    'breakGlass',
    consent.connect(providerW).breakGlass(patientId, encodeBytes32String('unconscious'), 3600),
  );
  const bgMsg = {
    providerId,
    patientId,
    reasonCode: encodeBytes32String('stroke'),
    duration: 3600n,
    nonce: nonceOf('breakGlass'),
    deadline: FAR,
  };
  await measure(
    'breakGlassBySig',
    consent.breakGlassBySig(
      providerId,
      patientId,
      bgMsg.reasonCode,
      3600,
      bgMsg.nonce,
      FAR,
      await signBreakGlass(providerW, cDomain, bgMsg),
    ),
  );

  // Anchors: a warm-up batch first, so each measured batch is the steady state of a running stream.
  const perRecord = {};
  for (const size of BATCH_SIZES) {
    const stream = id(`bench.stream.${size}`);
    await anchors.anchor(stream, 0, 0, 1, id('warm-up')).then((t) => t.wait());
    const leaves = Array.from({ length: size }, (_, i) => anchorLeaf(stream, 1 + i, id(`event.${i}`)));
    const tree = new MerkleTree(leaves);
    await measure(`anchor (batch of ${size})`, anchors.anchor(stream, 1, size, size, tree.root));
    perRecord[size] = gas[`anchor (batch of ${size})`] / size;
  }
  // anchorMany: one transaction per tick carrying one batch per stream shares the 21k base and the role check.
  const MANY = 8;
  const manyStreams = Array.from({ length: MANY }, (_, k) => id(`bench.many.${k}`));
  await anchors.anchorMany(manyStreams.map((s) => [s, 0, 0, 1, id(`warm.${s}`)])).then((t) => t.wait());
  for (const size of [512, 4096]) {
    const batches = manyStreams.map((s, k) => {
      const first = size === 512 ? 1 : 513;
      const tree = new MerkleTree(Array.from({ length: size }, (_, i) => anchorLeaf(s, first + i, id(`e.${k}.${i}`))));
      return [s, first, first + size - 1, size, tree.root];
    });
    const name = `anchorMany (${MANY} streams x ${size})`;
    await measure(name, anchors.anchorMany(batches));
    perRecord[`many@${size}`] = gas[name] / (MANY * size);
  }
  const coldStream = id('bench.stream.cold');
  await measure('anchor (first batch of a stream)', anchors.anchor(coldStream, 0, 511, 512, id('cold-root')));
  gas['anchor'] = gas['anchor (batch of 512)'];
  for (const size of BATCH_SIZES)
    gas[`anchorBatch gas per record @${size}`] = Math.round(perRecordBatch[size] * 100) / 100;
  for (const size of BATCH_SIZES) gas[`anchor gas per record @${size}`] = Math.round(perRecord[size] * 100) / 100;
  for (const size of [512, 4096])
    gas[`anchorMany gas per record @${size}`] = Math.round(perRecord[`many@${size}`] * 100) / 100;

  const snapshot = existsSync(snapshotFile) ? JSON.parse(readFileSync(snapshotFile, 'utf8')) : {};
  const width = Math.max(...Object.keys(gas).map((k) => k.length));
  console.log(`${'operation'.padEnd(width)}  ${'gas'.padStart(10)}  ${'snapshot'.padStart(10)}  delta`);
  let changed = false;
  const regressions = [];
  for (const [name, value] of Object.entries(gas)) {
    const before = snapshot[name];
    const delta =
      before === undefined
        ? 'new'
        : value - before === 0
          ? '='
          : `${value - before > 0 ? '+' : ''}${Math.round((value - before) * 100) / 100}`;
    if (before !== value) changed = true;
    if (before !== undefined && value > before * (1 + TOLERANCE)) regressions.push(`${name}: ${before} -> ${value}`);
    console.log(
      `${name.padEnd(width)}  ${String(value).padStart(10)}  ${String(before ?? '-').padStart(10)}  ${delta}`,
    );
  }
  for (const name of Object.keys(snapshot))
    if (!(name in gas)) console.log(`${name}: in the snapshot, no longer measured`);
  const single = perRecord[512] <= 100 && perRecord[4096] <= 100;
  const many = perRecord['many@512'] <= 100 && perRecord['many@4096'] <= 100;
  console.log(`\nanchoring target (<= 100 gas/record at 512+):`);
  console.log(
    `  anchor, one stream per tx:  ${single ? 'met' : 'NOT met'} (${perRecord[512].toFixed(1)} @512, ${perRecord[4096].toFixed(1)} @4096)`,
  );
  console.log(
    `  anchorMany, ${MANY} streams per tx: ${many ? 'met' : 'NOT met'} (${perRecord['many@512'].toFixed(1)} @512, ${perRecord['many@4096'].toFixed(1)} @4096)`,
  );
  const records64 = perRecordBatch[64] <= 1000;
  console.log(`records target (<= 1,000 gas/record at 64 leaves):`);
  console.log(
    `  anchorBatch: ${records64 ? 'met' : 'NOT met'} (${perRecordBatch[64].toFixed(1)} @64, ${perRecordBatch[512].toFixed(1)} @512, ${perRecordBatch[4096].toFixed(2)} @4096)`,
  );
  if (update || !existsSync(snapshotFile)) {
    writeFileSync(snapshotFile, JSON.stringify(gas, null, 2) + '\n');
    console.log(`wrote ${snapshotFile}`);
  } else if (regressions.length > 0) {
    console.error(`\ngas rose more than ${TOLERANCE * 100}% above gas-snapshot.json:`);
    for (const r of regressions) console.error(`  ${r}`);
    console.error('fix it, or accept it with `npm run bench:gas -w @uhr/contracts -- --update`');
    process.exitCode = 1;
  } else if (changed) {
    console.log('gas differs from gas-snapshot.json (within tolerance); `-- --update` to record it');
  }
} finally {
  provider.destroy();
  if (anvil) anvil.kill('SIGTERM');
}
