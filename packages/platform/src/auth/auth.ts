import {
  createParamDecorator,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';

export const ROLES = [
  'patient',
  'provider',
  'registrar',
  'pharmacist',
  'lab',
  'insurer',
  'employer',
  'manufacturer',
  'distributor',
  'organ-bank',
  'auditor',
  'admin',
  // A price regulator (services/billing): publishes ceiling-price schedules.
  'regulator',
] as const;
export type Role = (typeof ROLES)[number];

/** How a role reads to people (a patient's access log, a FHIR agent's role text). */
export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  patient: 'Patient',
  provider: 'Healthcare provider',
  registrar: 'Registrar',
  pharmacist: 'Pharmacist',
  lab: 'Laboratory',
  insurer: 'Insurer',
  employer: 'Employer',
  manufacturer: 'Manufacturer',
  distributor: 'Distributor',
  'organ-bank': 'Organ bank',
  auditor: 'Auditor',
  admin: 'Administrator',
  regulator: 'Price regulator',
};

/** The UHR roles among a token's roles (Keycloak adds its own, e.g. offline_access), in ROLES order. */
export const uhrRolesOf = (roles: readonly string[]): Role[] => ROLES.filter((r) => roles.includes(r));

/** Who is calling, from a verified Keycloak access token. */
export interface Principal {
  readonly subject: string;
  readonly username: string;
  readonly roles: readonly string[];
  readonly clientId: string;
}

const ROLES_KEY = 'uhr:roles';
const PUBLIC_KEY = 'uhr:public';

/** The caller needs at least one of these realm roles. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** No token needed (health probes, OpenAPI). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<{ principal?: Principal }>();
  if (!req.principal) throw new UnauthorizedException('not authenticated');
  return req.principal;
});

/**
 * Verifies Keycloak bearer tokens against the realm's JWKS (signature, expiry, issuer, audience) with `jose`.
 * keycloak-connect is deprecated upstream: docs/adr/0001-keycloak-bearer-verification.md.
 */
export class JwtVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  readonly issuer: string;
  /**
   * Tokens already verified, by their exact text, until they expire: a client sends the same token with every
   * request, and an RS256 check per request is a tenth of a hot route's CPU. Any other text — a flipped bit, a
   * forged signature — misses the cache and is verified in full. Bounded; the oldest entry goes first.
   */
  private readonly verified = new Map<string, { principal: Principal; expiresAtMs: number }>();
  private static readonly CACHE_MAX = 10_000;

  constructor(
    keycloakUrl: string,
    realm: string,
    private readonly audience: string,
    publicUrl: string = keycloakUrl,
    private readonly now: () => number = Date.now,
  ) {
    this.issuer = `${publicUrl.replace(/\/$/, '')}/realms/${realm}`;
    const internal = `${keycloakUrl.replace(/\/$/, '')}/realms/${realm}`;
    this.jwks = createRemoteJWKSet(new URL(`${internal}/protocol/openid-connect/certs`), {
      cooldownDuration: 30_000,
      timeoutDuration: 5_000,
    });
  }

  async verify(token: string): Promise<Principal> {
    const hit = this.verified.get(token);
    if (hit && hit.expiresAtMs > this.now()) return hit.principal;
    if (hit) this.verified.delete(token);
    const { principal, payload } = await this.verifyFully(token);
    if (typeof payload.exp === 'number') this.remember(token, principal, payload.exp * 1000);
    return principal;
  }

  private remember(token: string, principal: Principal, expiresAtMs: number) {
    if (this.verified.size >= JwtVerifier.CACHE_MAX) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { principal, expiresAtMs });
  }

  private async verifyFully(token: string): Promise<{ principal: Principal; payload: JWTPayload }> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: this.issuer,
        audience: this.audience,
        currentDate: new Date(this.now()),
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new UnauthorizedException('token expired');
      if (err instanceof joseErrors.JOSEError) throw new UnauthorizedException(`invalid token: ${err.code}`);
      throw new UnauthorizedException('token could not be verified');
    }
    if (typeof payload.sub !== 'string') throw new UnauthorizedException('invalid token: no subject');
    const realmAccess = payload.realm_access as { roles?: unknown } | undefined;
    const roles = Array.isArray(realmAccess?.roles) ? realmAccess.roles.filter((r) => typeof r === 'string') : [];
    const principal: Principal = {
      subject: payload.sub,
      username: typeof payload.preferred_username === 'string' ? payload.preferred_username : payload.sub,
      roles,
      clientId: typeof payload.azp === 'string' ? payload.azp : '',
    };
    return { principal, payload };
  }
}

/** Global guard: every route needs a valid token unless marked @Public(); @Roles narrows it further. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly verifier: JwtVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; principal?: Principal }>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new UnauthorizedException('missing bearer token');
    const principal = await this.verifier.verify(match[1]);
    req.principal = principal;
    const needed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (needed && needed.length > 0 && !needed.some((r) => principal.roles.includes(r))) {
      throw new ForbiddenException(`requires one of the roles: ${needed.join(', ')}`);
    }
    return true;
  }
}
