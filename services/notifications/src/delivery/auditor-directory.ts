import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER } from '@uhr/platform';
import type { Logger } from 'pino';

export const AUDITOR_SOURCE = Symbol('AUDITOR_SOURCE');
export interface AuditorSource {
  /** Subjects named in configuration: always told. */
  configured: readonly string[];
  /** Members of the auditor role, looked up in Keycloak; absent when no client secret is configured. */
  lookup?: () => Promise<string[]>;
  refreshMs: number;
}

/**
 * Who the auditors are: the configured subjects plus, when the service account may query users, every user
 * holding the realm role. The role lookup is refreshed in the background; if Keycloak refuses or is down, the
 * last known list (or the configured one) is used: a safety alert is never held back waiting for it.
 */
@Injectable()
export class AuditorDirectory implements OnApplicationBootstrap, OnApplicationShutdown {
  private fromRole: readonly string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private warned = false;

  constructor(
    @Inject(AUDITOR_SOURCE) private readonly source: AuditorSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  current(): readonly string[] {
    return [...new Set([...this.source.configured, ...this.fromRole])];
  }

  async refresh(): Promise<void> {
    if (!this.source.lookup) return;
    try {
      this.fromRole = await this.source.lookup();
      this.warned = false;
    } catch (err) {
      if (!this.warned) {
        this.logger.warn({ err: (err as Error).message }, 'auditor role lookup failed; using the configured auditors');
        this.warned = true;
      }
    }
  }

  async onApplicationBootstrap() {
    if (!this.source.lookup) return;
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.source.refreshMs);
    this.timer.unref();
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }
}

/** Members of a realm role, through Keycloak's admin API with the service's client credentials. */
export function keycloakRoleMembers(opts: {
  keycloakUrl: string;
  realm: string;
  clientId: string;
  clientSecret: string;
  role: string;
}): () => Promise<string[]> {
  const base = opts.keycloakUrl.replace(/\/$/, '');
  return async () => {
    const tokenRes = await fetch(`${base}/realms/${opts.realm}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: opts.clientId,
        client_secret: opts.clientSecret,
      }),
      signal: AbortSignal.timeout(5000),
    });
    if (!tokenRes.ok) throw new Error(`Keycloak refused the service token: ${tokenRes.status}`);
    const { access_token: token } = (await tokenRes.json()) as { access_token: string };
    const res = await fetch(
      `${base}/admin/realms/${opts.realm}/roles/${encodeURIComponent(opts.role)}/users?first=0&max=1000`,
      {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(5000),
      },
    );
    if (!res.ok)
      throw new Error(
        `Keycloak refused to list role ${opts.role}: ${res.status} (grant the service account realm-management query-users, view-users and view-realm)`,
      );
    const users = (await res.json()) as Array<{ id: string }>;
    return users.map((u) => u.id);
  };
}
