// A container env value that points at `localhost:<declared host port>` (the seed's VITE_API_URL) is meant for a
// browser on the host; when that host port was remapped, point it at the effective port instead.
export interface PortRemap {
  declared: number;
  effective: number;
}

export interface EnvRewrite {
  key: string;
  from: string;
  to: string;
}

const HOST_PORT = /\b(localhost|127\.0\.0\.1|\[::1\]):(\d{1,5})\b/g;

export function rewriteLocalhostPorts(
  env: Record<string, string>,
  remaps: PortRemap[],
): { env: Record<string, string>; rewrites: EnvRewrite[] } {
  const byDeclared = new Map(remaps.map((r) => [r.declared, r.effective]));
  const out: Record<string, string> = {};
  const rewrites: EnvRewrite[] = [];
  for (const [key, value] of Object.entries(env)) {
    const next = value.replace(HOST_PORT, (whole, host: string, port: string) => {
      const effective = byDeclared.get(Number(port));
      return effective === undefined ? whole : `${host}:${effective}`;
    });
    out[key] = next;
    if (next !== value) rewrites.push({ key, from: value, to: next });
  }
  return { env: out, rewrites };
}
