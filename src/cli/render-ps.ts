import type { PsRow } from '../app/ps.js';

export function formatPsTable(rows: PsRow[]): string[] {
  const table = [
    ['SERVICE', 'CONTAINER', 'STATE', 'HEALTH', 'PORTS'],
    ...rows.map((r) => [
      r.service,
      r.container,
      r.exitCode === null ? r.state : `${r.state} (${r.exitCode})`,
      r.health === 'none' ? '-' : r.health,
      r.ports.map((p) => `${p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp}:${p.hostPort}->${p.containerPort}/${p.protocol}`).join(', '),
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
  return table.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}
