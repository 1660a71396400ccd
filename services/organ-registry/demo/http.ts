// A user's view of the organ registry's HTTP API: the demo and the integration tests call it the same way.
import { tokenFor } from '@uhr/platform/testing';

export interface Reply {
  status: number;

  body: any;
}

export type Api = (method: string, path: string, body?: unknown) => Promise<Reply>;

/** Calls as `username` (a realm test user); `base` is read per call, so a restarted app's new port is used. */
export async function apiAs(base: () => string, username: string): Promise<Api> {
  const token = await tokenFor(username);
  return async (method, path, body) => {
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
  };
}
