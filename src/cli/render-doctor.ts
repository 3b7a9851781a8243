// `doctor` findings as lines: status, area, `file:line:` where there is one, the message, and the hint under it.
import type { DoctorFinding } from '../app/doctor.js';

const INDENT = ' '.repeat(18);

export function formatDoctorFindings(findings: DoctorFinding[]): string[] {
  const lines: string[] = [];
  for (const f of findings) {
    const [first = '', ...rest] = `${f.location ? `${f.location}: ` : ''}${f.message}`.split('\n');
    lines.push(`${f.status.padEnd(5)} ${f.area.padEnd(11)} ${first}`);
    for (const more of rest) lines.push(`${INDENT}${more}`);
    if (f.hint) lines.push(`${INDENT}hint: ${f.hint}`);
  }
  const count = (s: DoctorFinding['status']) => findings.filter((f) => f.status === s).length;
  lines.push(`${count('fail')} failed, ${count('warn')} warnings, ${count('info')} notes, ${count('ok')} ok`);
  return lines;
}
