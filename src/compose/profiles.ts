// Profiles: a service with `profiles:` is active only when one of them is enabled (`*` enables all).

export function enabledProfiles(flags: string[] | undefined, composeProfiles: string | undefined): Set<string> {
  const fromEnv = (composeProfiles ?? '').split(',').map((p) => p.trim());
  return new Set([...(flags ?? []), ...fromEnv].filter((p) => p !== ''));
}

export function isServiceActive(serviceProfiles: string[], enabled: ReadonlySet<string>): boolean {
  if (serviceProfiles.length === 0 || enabled.has('*')) return true;
  return serviceProfiles.some((p) => enabled.has(p));
}
