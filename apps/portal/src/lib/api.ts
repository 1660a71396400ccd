/** Calls the UHR services through the portal's own origin (/api/<service>/…), with the signed-in person's token. */
export type Service = 'registrar' | 'consent' | 'records' | 'notifications';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function callApi<T = unknown>(
  token: string | undefined,
  service: Service,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`/api/${service}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  if (!res.ok) {
    const b = (parsed ?? {}) as { error?: string; message?: string | string[] };
    const message = Array.isArray(b.message) ? b.message.join('; ') : (b.message ?? res.statusText);
    throw new ApiError(res.status, b.error ?? String(res.status), message);
  }
  return parsed as T;
}

/** A UUID as the bytes32 the contracts use (left-padded hex), the platform's chainIdOf rule. */
export function bytes32OfUuid(uuid: string): string {
  const hex = uuid.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`not an id: ${uuid}`);
  return '0x' + hex.padStart(64, '0');
}

export const ZERO_BYTES32 = '0x' + '0'.repeat(64);
