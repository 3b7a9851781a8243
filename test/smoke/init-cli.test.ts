// `devstack init` through the built CLI, then `doctor` and `up` on a real engine: a Node.js app with no compose
// file gets one whose image builds (non-root, dependencies first), whose service becomes ready and answers on
// its published port, and whose Dockerfile doctor finds nothing to say about.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devstack } from './support/cli.js';

const NAME = `dsinit${Math.random().toString(36).slice(2, 8)}`;
let dir: string;
const run = (args: string[]) => devstack(args, { cwd: dir });

beforeAll(() => {
  execFileSync('docker', ['version', '--format', '{{.Server.Version}}']); // no engine: fail here, loudly
  dir = join(mkdtempSync(join(tmpdir(), `${NAME}-`)), NAME);
  execFileSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: NAME, scripts: { start: 'node server.js' } }));
  writeFileSync(
    join(dir, 'server.js'),
    "require('node:http').createServer((_, res) => res.end(`hello from uid ${process.getuid()}`)).listen(Number(process.env.PORT), '0.0.0.0');\n",
  );
});

afterAll(() => {
  run(['down', '-v', '--yes']);
  execFileSync('docker', ['image', 'rm', '-f', `${NAME}-${NAME}`]);
  if (dir) rmSync(join(dir, '..'), { recursive: true, force: true });
});

describe('devstack init, then doctor and up (built CLI, real engine)', () => {
  it('writes compose.yaml, Dockerfile.dev and .dockerignore; a second init refuses', () => {
    const r = run(['init']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('wrote '))).toEqual(['wrote compose.yaml', 'wrote Dockerfile.dev', 'wrote .dockerignore']);
    expect(r.stdout).toContain(`service ${NAME}: built from Dockerfile.dev, \`npm start\` on port 3000`);
    const again = run(['init']);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('This folder already has compose.yaml');
  });

  it('doctor finds nothing to warn about in what init wrote', () => {
    const r = run(['doctor', '--json']);
    const findings = JSON.parse(r.stdout) as { area: string; status: string; message: string }[];
    expect(findings.filter((f) => f.area === 'dockerfile')).toEqual([
      expect.objectContaining({ status: 'ok', message: expect.stringContaining('follows the patterns') }),
    ]);
    expect(findings.filter((f) => f.status === 'fail')).toEqual([]);
  });

  it('up builds the image, the app becomes ready on its port and answers as the owner of the project folder', async () => {
    const up = run(['up', '--json']);
    expect(up.status, up.stderr).toBe(0);
    const result = JSON.parse(up.stdout.trim().split('\n').at(-1)!) as { services: { service: string; probe: string; ports: { hostPort: number }[] }[] };
    const app = result.services.find((s) => s.service === NAME)!;
    expect(app.probe).toMatch(/^tcp connect/);
    const res = await fetch(`http://127.0.0.1:${app.ports[0]!.hostPort}/`);
    // the dev user has the project folder's owner's uid (see init-dev-user.test.ts for a clone owned by 1000)
    expect(await res.text()).toBe(`hello from uid ${statSync(dir).uid}`);
  });
});
