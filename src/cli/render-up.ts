import type { UpResult } from '../app/up.js';

export function formatUpSummary(r: UpResult): string[] {
  const width = Math.max(...r.services.map((s) => s.service.length), 7);
  const lines = [`project ${r.project} is up (${(r.elapsedMs / 1000).toFixed(1)}s)`];
  for (const s of r.services) {
    const ports = s.ports.map((p) => `${p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp}:${p.hostPort}->${p.containerPort}/${p.protocol}`);
    // A scaled service says how many containers it runs; its ports are every replica's, replica 1 first.
    const replicas = s.replicas === undefined ? '' : `  (${s.replicas.length} replica${s.replicas.length === 1 ? '' : 's'})`;
    lines.push(`  ${s.service.padEnd(width)}  ${s.action.padEnd(8)}  ready via ${s.probe}${replicas}${ports.length ? `  ${ports.join(', ')}` : ''}`);
  }
  return lines;
}
