// Secrets and configs from files, on a real engine: the container reads them at the compose paths, read-only.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { docker, realStack, type RealStack } from './support/real-stack.js';

let stack: RealStack | undefined;

afterAll(async () => {
  await stack?.cleanup();
});

describe('up on a real engine: secrets and configs', () => {
  it('mounts a file secret at /run/secrets/NAME and a config at its target, read-only', async () => {
    const source = mkdtempSync(join(tmpdir(), 'dssecrets-src-'));
    try {
      mkdirSync(join(source, 'secrets'));
      writeFileSync(join(source, 'secrets', 'pw.txt'), 's3cret\n');
      writeFileSync(join(source, 'app.conf'), 'level=debug\n');
      // The check exits 0 only if both files read right and the secret cannot be written: a one-shot success.
      writeFileSync(
        join(source, 'compose.yaml'),
        `services:
  check:
    image: devstack-standin/debian:bookworm
    command: ["sh", "-c", "test \\"$$(cat /run/secrets/db_pw)\\" = s3cret && grep -qx level=debug /etc/app.conf && ! (echo x > /run/secrets/db_pw) 2>/dev/null"]
    secrets: [db_pw]
    configs: [{ source: app_conf, target: /etc/app.conf }]
secrets:
  db_pw: { file: ./secrets/pw.txt }
configs:
  app_conf: { file: ./app.conf }
`,
      );
      stack = await realStack(source, 'dssecrets');
    } finally {
      rmSync(source, { recursive: true, force: true });
    }
    const result = await stack.up({ waitTimeoutMs: 60_000 });
    expect(result.services.find((s) => s.service === 'check')?.probe).toBe('exited 0 (one-shot)');
    expect(docker(['inspect', '-f', '{{.State.ExitCode}}', `${stack.name}-check-1`])).toBe('0');
  });
});
