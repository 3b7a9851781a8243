import { describe, expect, it } from 'vitest';
import { parseTail, streamProjectLogs } from '../../../src/app/logs.js';
import type { ContainerInfo } from '../../../src/core/engine.js';
import { DevstackError } from '../../../src/core/errors.js';
import { LABEL } from '../../../src/core/labels.js';
import { InMemoryEngine } from '../fakes/in-memory-engine.js';

const container = (id: string, service: string): ContainerInfo => ({
  id, name: `demo-${service}-1`, image: 'img', status: 'running', ports: [], createdAt: 0,
  labels: { [LABEL.project]: 'demo', [LABEL.service]: service, [LABEL.containerNumber]: '1' },
});

function engineWith(containers: ContainerInfo[]): InMemoryEngine {
  const engine = new InMemoryEngine();
  for (const c of containers) engine.addContainer(c).log({ stream: 'stdout', time: '2024-05-01T10:00:00.000000000Z', text: `from ${c.id}` });
  return engine;
}

async function collect({ engine, ...req }: Parameters<typeof streamProjectLogs>[0] & { engine: InMemoryEngine }) {
  const out: string[] = [];
  for await (const l of streamProjectLogs(req, { engine })) out.push(`${l.service}:${l.text}`);
  return out;
}

const base = { project: 'demo', follow: false, timestamps: false, signal: new AbortController().signal };

describe('parseTail', () => {
  it('takes a count or "all"', () => {
    expect(parseTail('5')).toBe(5);
    expect(parseTail('0')).toBe(0);
    expect(parseTail('all')).toBeUndefined();
    expect(parseTail(undefined)).toBeUndefined();
  });
  it('refuses anything else as a usage error', () => {
    expect(() => parseTail('-3')).toThrow(DevstackError);
    expect(() => parseTail('ten')).toThrow(/--tail "ten" is not a number of lines/);
  });
});

describe('streamProjectLogs without a compose file (knownServices undefined)', () => {
  it('checks the chosen services against those that have containers', async () => {
    const engine = engineWith([container('c1', 'web'), container('c2', 'db')]);
    expect(await collect({ ...base, engine, services: ['web'] })).toEqual(['web:from c1']);
    await expect(collect({ ...base, engine, services: ['nope'] })).rejects.toMatchObject({ kind: 'not-found', hint: "The project's services: db, web." });
  });
  it('a project without containers is not found', async () => {
    await expect(collect({ ...base, engine: engineWith([]), services: [] })).rejects.toMatchObject({ kind: 'not-found', message: 'Project demo has no containers.' });
  });
});
