// `npm run deploy:custody -w @uhr/organ-registry`: OrganCustody into the running stack's deployments file
// (UHR_DEPLOYMENTS_FILE, UHR_CHAIN_RPC_URL; UHR_DEPLOYER_KEY outside the local stack). Idempotent.
import { ensureOrganCustody } from './custody-deployment.js';

const file = process.env.UHR_DEPLOYMENTS_FILE ?? '.uhr/deployments.json';
const address = await ensureOrganCustody({
  rpcUrl: process.env.UHR_CHAIN_RPC_URL ?? 'http://127.0.0.1:58545',
  from: file,
  to: file,
  adminKey: process.env.UHR_DEPLOYER_KEY,
  relayer: process.env.UHR_CUSTODY_RELAYER,
});
console.log(`deploy-custody: OrganCustody at ${address} in ${file}`);
