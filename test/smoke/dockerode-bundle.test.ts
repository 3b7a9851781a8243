// The dockerode bundle (scripts/bundle-dockerode.mjs) defers parts of dockerode and docker-modem behind lazy
// stand-ins. These drive the deferred parts through the built bundle on the real engine: an attach with stdin
// (docker-modem's HttpDuplex) and a build from a folder (dockerode's tar-fs and .dockerignore handling).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';

const Bundled = createRequire(import.meta.url)('../../dist/cli/dockerode.cjs') as typeof Dockerode;
const docker = new Bundled({ socketPath: '/var/run/docker.sock' });
const id = `dsbundle${Math.random().toString(36).slice(2, 8)}`;
const cleanup: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
});

/** Resolves with everything `stream` yields until `text` shows up in it. */
function readUntil(stream: Duplex, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    stream.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (seen.includes(text)) resolve(seen);
    });
    stream.on('error', reject);
    stream.on('end', () => reject(new Error(`stream ended before "${text}": ${JSON.stringify(seen)}`)));
  });
}

describe('the dockerode bundle on the real engine', () => {
  it('attaches with stdin to a running container (HttpDuplex, evaluated on first use)', async () => {
    const container = await docker.createContainer({ name: id, Image: 'redis:7-alpine', Cmd: ['cat'], OpenStdin: true, StdinOnce: false, AttachStdin: true, AttachStdout: true });
    cleanup.push(() => container.remove({ force: true }));
    await container.start();
    const stream = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: false })) as unknown as Duplex;
    expect(stream.constructor.name).toBe('HttpDuplex');
    const echoed = readUntil(stream, 'through-the-duplex');
    stream.write('through-the-duplex\n');
    await expect(echoed).resolves.toContain('through-the-duplex');
    stream.destroy();
  });

  it('builds from a folder, leaving out what .dockerignore names (tar-fs and dockerignore, evaluated on first use)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsbundle-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM redis:7-alpine\nCOPY . /ctx/\nRUN ls /ctx\n');
    writeFileSync(join(dir, 'kept.txt'), 'kept\n');
    writeFileSync(join(dir, 'left-out.txt'), 'left out\n');
    writeFileSync(join(dir, '.dockerignore'), 'left-out.txt\n');
    const tag = `${id}-image:latest`;
    cleanup.push(() => docker.getImage(tag).remove({ force: true }));
    const progress = await docker.buildImage({ context: dir, src: ['Dockerfile', 'kept.txt', 'left-out.txt', '.dockerignore'] }, { t: tag });
    await new Promise((resolve, reject) => docker.modem.followProgress(progress, (err) => (err ? reject(err) : resolve(undefined))));
    const files = await listFiles(tag);
    expect(files).toContain('kept.txt');
    expect(files).not.toContain('left-out.txt');
  });
});

/** The names in /ctx of `image`, read from a container's output. */
async function listFiles(image: string): Promise<string[]> {
  const container = await docker.createContainer({ Image: image, Cmd: ['ls', '/ctx'], Tty: true });
  cleanup.push(() => container.remove({ force: true }));
  await container.start();
  await container.wait();
  const logs = await container.logs({ stdout: true, stderr: true });
  return logs.toString('utf8').split(/\s+/).filter((f) => f !== '');
}
