// Which bind-mounted project folders a service's user cannot use, each at its own volume entry (fake folder owners).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bindMountWarning, findBindMountProblems, type BindMountFacts } from '../../../src/app/bind-mount-check.js';
import { loadIn, writeProject } from '../compose/temp-project.js';

describe('findBindMountProblems', () => {
  it('one problem per folder, located at the entry that mounts it; up says them in one warning', async () => {
    const dir = writeProject({
      'compose.yaml': `services:
  api:
    image: node:20-alpine
    user: "1001"
    volumes:
      - ./api:/app
      - ./logs:/logs
      - ./docs:/docs:ro
`,
    });
    const project = await loadIn(dir);
    const owners: Record<string, { uid: number; gid: number; mode: number }> = {
      [path.join(dir, 'api')]: { uid: 1000, gid: 1000, mode: 0o700 }, // not even readable
      [path.join(dir, 'logs')]: { uid: 1000, gid: 1000, mode: 0o755 }, // not writable
      [path.join(dir, 'docs')]: { uid: 1000, gid: 1000, mode: 0o755 }, // read-only mount: fine
    };
    const facts: BindMountFacts = { folderOwner: (p) => owners[p], dockerfileText: async () => undefined };
    const problems = await findBindMountProblems(project, Object.values(project.services), facts);
    const file = path.join(dir, 'compose.yaml');
    expect(problems.map((p) => [p.access, p.target, p.location])).toEqual([
      ['read', '/app', { file, line: 6, col: 9 }],
      ['write', '/logs', { file, line: 7, col: 9 }],
    ]);
    expect(bindMountWarning(problems)).toMatch(
      new RegExp(`^${file}:6:9: api runs as user 1001 and cannot read \\./api .*; ${file}:7:9: api runs as user 1001 and cannot write \\./logs `),
    );
  });
});
