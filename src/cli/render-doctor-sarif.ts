// `doctor --format sarif`: the findings that point at a line of a file (Dockerfiles, compose files, env files) as
// one SARIF 2.1.0 log, for a CI job to upload to code scanning. fail → error, warn → warning, info → note; the
// rule is the check that found it, its help the finding's hint. Findings without a file (the engine, disk space)
// have no place in code scanning and are left out; the text and --json outputs keep them.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DoctorFinding } from '../app/doctor.js';

const LEVEL = { fail: 'error', warn: 'warning', info: 'note' } as const;

/** `file:line` or `file:line:col` → its parts (a Windows drive letter's colon stays in the file). */
function splitLocation(location: string): { file: string; line: number; col?: number } | undefined {
  const m = /^(.*?):(\d+)(?::(\d+))?$/.exec(location);
  if (!m) return undefined;
  return { file: m[1]!, line: Number(m[2]), ...(m[3] ? { col: Number(m[3]) } : {}) };
}

export function doctorSarif(findings: DoctorFinding[], opts: { cwd: string; version: string }): object {
  const located = findings.flatMap((f) => {
    if (f.status === 'ok' || !f.location) return [];
    const where = splitLocation(f.location);
    return where ? [{ f, where, rule: f.rule ?? f.area }] : [];
  });
  const rules = [...new Map(located.map(({ f, rule }) => [rule, f])).entries()].map(([id, f]) => ({
    id,
    name: id.replace(/(^|-)(\w)/g, (_, _dash: string, c: string) => c.toUpperCase()),
    shortDescription: { text: `devstack doctor: ${id} (${f.area})` },
    ...(f.hint ? { help: { text: f.hint } } : {}),
    defaultConfiguration: { level: LEVEL[f.status as keyof typeof LEVEL] },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'devstack', semanticVersion: opts.version, informationUri: 'https://github.com/devstack/devstack', rules } },
        originalUriBaseIds: { PROJECTROOT: { uri: `${pathToFileURL(opts.cwd).href}/` } },
        results: located.map(({ f, where, rule }) => ({
          ruleId: rule,
          ruleIndex: ruleIndex.get(rule)!,
          level: LEVEL[f.status as keyof typeof LEVEL],
          message: { text: f.hint ? `${f.message}\nFix: ${f.hint}` : f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: path.isAbsolute(where.file)
                  ? { uri: pathToFileURL(where.file).href }
                  : { uri: where.file.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: 'PROJECTROOT' },
                region: { startLine: where.line, ...(where.col ? { startColumn: where.col } : {}) },
              },
            },
          ],
        })),
      },
    ],
  };
}
