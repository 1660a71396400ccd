import { Wallet, type TypedDataField } from 'ethers';
import { bytes32OfUuid, callApi, ZERO_BYTES32 } from './api';

/** EIP-712 typed data as the services hand it out (`toSign`) or as /signing describes it. */
export interface TypedData {
  domain: Record<string, unknown>;
  primaryType?: string;
  types: Record<string, TypedDataField[]>;
  message: Record<string, unknown>;
}

/** Signs in the browser: ethers drops EIP712Domain from the types itself. */
export function signTyped(wallet: Wallet, t: TypedData): Promise<string> {
  const types = { ...t.types };
  delete types.EIP712Domain;
  return wallet.signTypedData(t.domain, types, t.message);
}

interface SigningDocument {
  domains: { gatekeeper: Record<string, unknown> };
  types: { ReadRecord: TypedDataField[] };
}

function randomNonce(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return BigInt('0x' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')).toString();
}

/** A signed gatekeeper read of one record, made with the key in this browser. */
export async function signedReadBody(
  token: string,
  wallet: Wallet,
  recordId: string,
  purpose: string,
  grantId?: string,
) {
  const doc = await callApi<SigningDocument>(token, 'records', 'GET', '/signing');
  const request = {
    recordId: bytes32OfUuid(recordId),
    purpose,
    grantId: grantId ? (grantId.startsWith('0x') ? grantId : bytes32OfUuid(grantId)) : ZERO_BYTES32,
    nonce: randomNonce(),
    expiry: Math.floor(Date.now() / 1000) + 120,
  };
  const signature = await wallet.signTypedData(doc.domains.gatekeeper, { ReadRecord: doc.types.ReadRecord }, request);
  return { request, signature };
}
