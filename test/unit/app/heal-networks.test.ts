// Healing duplicate project networks: the one in use (else the oldest) is kept, empty copies removed and announced,
// several in use is an error with the way out; other projects' and unlabelled networks are not touched.
import { describe, expect, it } from 'vitest';
import { healDuplicateNetworks } from '../../../src/app/project-resources.js';
import { DevstackError } from '../../../src/core/errors.js';
import type { StackEvent } from '../../../src/core/events.js';
import { LABEL } from '../../../src/core/labels.js';
import { InMemoryEngine } from '../fakes/in-memory-engine.js';

interface Net { id: string; name: string; labels: Record<string, string>; created: string; containers: string[] }

function engineWith(nets: Net[]) {
  const engine = new InMemoryEngine();
  for (const n of nets) engine.networks.set(n.id, n);
  const removed: string[] = [];
  const removeNetwork = engine.removeNetwork.bind(engine);
  engine.removeNetwork = async (id: string) => {
    removed.push(id);
    await removeNetwork(id);
  };
  return { engine, removed };
}

const ours = { [LABEL.project]: 'shop', [LABEL.network]: 'default' };
const net = (id: string, created: string, containers: string[] = [], labels: Record<string, string> = ours): Net => ({ id: `${id}${'0'.repeat(20)}`, name: 'shop_default', labels, created, containers });

describe('healDuplicateNetworks', () => {
  it('keeps the one in use even when it is newer, removes the empty copy and says so', async () => {
    const { engine, removed } = engineWith([net('aaa', '2026-01-01T10:00:00Z'), net('bbb', '2026-01-01T10:00:01Z', ['shop-db-1'])]);
    const events: StackEvent[] = [];
    await healDuplicateNetworks(engine, 'shop', (e) => events.push(e));
    expect(removed).toEqual([`aaa${'0'.repeat(20)}`]);
    expect(events).toEqual([
      { type: 'notice', level: 'warn', message: 'network shop_default existed 2 times (left by runs that raced or were killed); kept bbb000000000 (in use by shop-db-1), removed the empty aaa000000000' },
    ]);
  });

  it('keeps the oldest of empty copies', async () => {
    const { engine, removed } = engineWith([net('new', '2026-01-01T10:00:05Z'), net('old', '2026-01-01T10:00:00Z'), net('mid', '2026-01-01T10:00:02Z')]);
    await healDuplicateNetworks(engine, 'shop', () => {});
    expect(removed.map((id) => id.slice(0, 3)).sort()).toEqual(['mid', 'new']);
  });

  it('with two in use, removes nothing and says how to get out', async () => {
    const { engine, removed } = engineWith([net('aaa', '2026-01-01T10:00:00Z', ['shop-db-1']), net('bbb', '2026-01-01T10:00:01Z', ['shop-api-1'])]);
    const err = await healDuplicateNetworks(engine, 'shop', () => {}).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DevstackError);
    expect((err as DevstackError).hint).toContain('devstack down');
    expect(removed).toEqual([]);
  });

  it('leaves alone a single network and networks whose label names another project', async () => {
    const other = { [LABEL.project]: 'other' };
    const { engine, removed } = engineWith([net('aaa', '2026-01-01T10:00:00Z'), net('bbb', '2026-01-01T10:00:01Z', [], other)]);
    await healDuplicateNetworks(engine, 'shop', () => {});
    expect(removed).toEqual([]);
  });
});
