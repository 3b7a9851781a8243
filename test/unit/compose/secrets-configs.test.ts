import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeErrorOf, loadIn, writeProject } from './temp-project.js';

describe('secrets and configs', () => {
  it('a file-based secret or config is its file mounted read-only: /run/secrets/NAME, /NAME, or the target', async () => {
    const dir = writeProject({
      'compose.yaml': `services:
  app:
    image: app
    secrets: [db_pw, { source: api_key, target: key.txt }]
    configs: [nginx, { source: app_conf, target: /etc/app/app.conf, mode: 0440 }]
secrets:
  db_pw: { file: ./secrets/pw.txt }
  api_key: { file: ./secrets/key.txt }
configs:
  nginx: { file: ./nginx.conf }
  app_conf: { file: ./app.conf }
`,
      'secrets/pw.txt': 'pw',
      'secrets/key.txt': 'key',
      'nginx.conf': '',
      'app.conf': '',
    });
    const p = await loadIn(dir);
    // Each mount keeps its entry's place under secrets:/configs:, where an error about it points.
    const at = (line: number, col: number) => ({ file: path.join(dir, 'compose.yaml'), line, col });
    expect(p.services.app!.volumes).toEqual([
      { type: 'bind', source: path.join(dir, 'secrets/pw.txt'), target: '/run/secrets/db_pw', readOnly: true, createHostPath: false, location: at(4, 15) },
      { type: 'bind', source: path.join(dir, 'secrets/key.txt'), target: '/run/secrets/key.txt', readOnly: true, createHostPath: false, location: at(4, 22) },
      { type: 'bind', source: path.join(dir, 'nginx.conf'), target: '/nginx', readOnly: true, createHostPath: false, location: at(5, 15) },
      { type: 'bind', source: path.join(dir, 'app.conf'), target: '/etc/app/app.conf', readOnly: true, createHostPath: false, location: at(5, 22) },
    ]);
    expect(p.warnings?.some((w) => /compose\.yaml:5:\d+: mode of config "app_conf" ignored/.test(w))).toBe(true);
  });

  it('an undeclared one, a missing file and a source other than file: are located errors, never ignored', async () => {
    const dir = writeProject({
      'compose.yaml': `services:
  app:
    image: app
    secrets: [nope, from_env, missing]
secrets:
  from_env: { environment: PW }
  missing: { file: ./missing.txt }
`,
    });
    const message = (await composeErrorOf(loadIn(dir))).message;
    expect(message).toMatch(/compose\.yaml:4:15: service "app" uses secret "nope", which is not declared under top-level secrets/);
    expect(message).toMatch(/compose\.yaml:4:21: secrets\.from_env comes from `environment`; devstack provides secrets from `file:` only/);
    expect(message).toMatch(/compose\.yaml:4:31: secret "missing": file .*missing\.txt not found/);
  });

  it("an included file's secrets keep their paths relative to that file", async () => {
    const dir = writeProject({
      'compose.yaml': 'include: [infra/db.yaml]\n',
      'infra/db.yaml': 'services:\n  db:\n    image: pg\n    secrets: [pw]\nsecrets:\n  pw: { file: ./pw.txt }\n',
      'infra/pw.txt': 'pw',
    });
    const p = await loadIn(dir);
    expect(p.services.db!.volumes).toEqual([
      { type: 'bind', source: path.join(dir, 'infra/pw.txt'), target: '/run/secrets/pw', readOnly: true, createHostPath: false, location: { file: path.join(dir, 'infra/db.yaml'), line: 4, col: 15 } },
    ]);
  });
});
