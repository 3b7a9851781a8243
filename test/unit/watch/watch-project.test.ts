// watchProject with a fake FileWatchPort: no files, an engine nothing is asked of; batches are handed in by the test.
import { describe, expect, it } from 'vitest';
import { watchProject, type WatchRequest } from '../../../src/app/watch.js';
import { ComposeError } from '../../../src/core/errors.js';
import type { StackEvent } from '../../../src/core/events.js';
import type { FileChangeBatch, FileWatchPort, RuleSyncHandle } from '../../../src/core/file-watch.js';
import type { Project } from '../../../src/core/model.js';
import { project, service } from '../core/fixtures.js';
import { InMemoryEngine } from '../fakes/in-memory-engine.js';

class FakeFiles implements FileWatchPort {
  onBatch: ((batch: FileChangeBatch) => void) | undefined;
  applied: string[] = [];
  /** The GREETING of the project whose rule applied each change (which session's rules did). */
  appliedBy: string[] = [];
  async createRuleSync(req: Parameters<FileWatchPort['createRuleSync']>[0]): Promise<RuleSyncHandle> {
    let taken = 0;
    return {
      service: req.service.name,
      rule: req.rule,
      start: async () => {},
      take: (batch) => {
        taken = [...batch.keys()].filter((p) => p.startsWith(req.rule.path)).length;
        return taken > 0;
      },
      drop: () => void (taken = 0),
      apply: async () => {
        this.applied.push(`${req.service.name}:${req.rule.action}:${taken}`);
        this.appliedBy.push(req.service.environment.GREETING ?? '');
      },
      catchUp: async () => {},
    };
  }
  /** Each watcher made, in order: `open` until closed. */
  watchers: { onBatch: (batch: FileChangeBatch) => void; open: boolean }[] = [];
  watchChanges(req: Parameters<FileWatchPort['watchChanges']>[0]) {
    const watcher = { onBatch: (batch: FileChangeBatch) => req.onBatch(batch, () => false), open: true };
    this.watchers.push(watcher);
    this.onBatch = watcher.onBatch;
    return { ready: Promise.resolve(), close: async () => void (watcher.open = false) };
  }
}

const watched = (greeting: string): Project =>
  project([
    service('web', {
      environment: { GREETING: greeting },
      develop: {
        watch: [
          { action: 'sync', path: '/p/src', target: '/app/src', ignore: [], include: [], initialSync: false },
          { action: 'rebuild', path: '/p/package.json', ignore: [], include: [], initialSync: false },
        ],
      },
    }),
  ]);

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

/** watchProject over watched('one') with a fake port; `over` sets the rest. */
function startWatching(over: Partial<WatchRequest> = {}) {
  const files = new FakeFiles();
  const events: StackEvent[] = [];
  const stop = new AbortController();
  const running = watchProject({
    engine: new InMemoryEngine(),
    files,
    project: watched('one'),
    services: [],
    signal: stop.signal,
    onEvent: (e) => events.push(e),
    findContainer: async () => 'c1',
    rebuildService: async () => {},
    ...over,
  });
  const watchingCount = () => events.filter((e) => e.type === 'notice' && e.message === 'watching web for changes').length;
  const end = async () => {
    stop.abort();
    await running;
  };
  return { files, events, watchingCount, end };
}

describe('watchProject (fake file-watch port)', () => {
  it('routes batches: sync to the rule, rebuild to rebuildService; a broken compose file keeps watching; a good one reloads', async () => {
    const rebuilt: string[] = [];
    let next: () => Promise<Project> = async () => {
      throw new ComposeError([{ location: { file: '/p/compose.yaml', line: 4, col: 7 }, message: 'unknown key "imagee"' }]);
    };
    const { files, events, watchingCount, end } = startWatching({
      rebuildService: async (s, _signal, p) => void rebuilt.push(`${s}:${p.services.web!.environment.GREETING}`),
      reloadProject: () => next(),
    });
    await until(() => watchingCount() === 1);

    files.onBatch!(new Map([['/p/src/a.ts', 'upsert'], ['/p/src/b.ts', 'upsert']]));
    await until(() => files.applied.length === 1);
    expect(files.applied).toEqual(['web:sync:2']);

    files.onBatch!(new Map([['/p/package.json', 'upsert']]));
    await until(() => rebuilt.length === 1);
    expect(rebuilt).toEqual(['web:one']);

    files.onBatch!(new Map([['/p/compose.yaml', 'upsert']]));
    await until(() => events.some((e) => e.type === 'notice' && e.level === 'warn'));
    const warning = events.find((e) => e.type === 'notice' && e.level === 'warn');
    expect(warning).toMatchObject({ message: expect.stringContaining('/p/compose.yaml:4:7: unknown key "imagee"') });
    expect(watchingCount()).toBe(1);

    next = async () => watched('two');
    files.onBatch!(new Map([['/p/compose.yaml', 'upsert']]));
    await until(() => watchingCount() === 2);
    files.onBatch!(new Map([['/p/package.json', 'upsert']]));
    await until(() => rebuilt.length === 2);
    expect(rebuilt[1]).toBe('web:two');

    await end();
  });

  it('a reloaded project without watch rules is reported and the previous rules stay', async () => {
    const { files, events, watchingCount, end } = startWatching({ reloadProject: async () => project([service('web')]) });
    await until(() => files.onBatch !== undefined);
    files.onBatch!(new Map([['/p/compose.yaml', 'upsert']]));
    await until(() => events.some((e) => e.type === 'notice' && e.message.startsWith('the reloaded project cannot be watched')));
    await until(() => watchingCount() === 2);
    await end();
  });

  it('a save the watcher could not see (made during a reload) reloads once it is ready, and only once', async () => {
    const compose = '/p/compose.yaml';
    let onDisk = 'saved after the first load read it';
    const asked: (string | undefined)[] = [];
    let reloads = 0;
    const { files, watchingCount, end } = startWatching({
      project: { ...watched('one'), configStamps: { [compose]: 'as the first load read it' } },
      changedSinceLoad: (p) => {
        asked.push(p.configStamps?.[compose]);
        return p.configStamps?.[compose] === onDisk ? [] : [compose];
      },
      reloadProject: async () => {
        reloads++;
        return { ...(reloads === 1 ? watched('two') : project([service('web')])), configStamps: { [compose]: onDisk } };
      },
    });
    await until(() => watchingCount() === 2);
    expect(reloads).toBe(1);
    expect(asked).toEqual(['as the first load read it', onDisk]);

    // A reload whose project cannot be watched: watching goes on as before, with the newest stamps (no reload loop).
    onDisk = 'a project without rules';
    files.onBatch!(new Map([[compose, 'upsert']]));
    await until(() => watchingCount() === 3);
    await new Promise((r) => setTimeout(r, 30));
    expect(reloads).toBe(2);
    expect(asked.at(-1)).toBe(onDisk);
    await end();
  });

  it('a save during a reload, and the rest of a batch that reloads, are applied with the new rules; no watcher gap', async () => {
    const started = startWatching({
      reloadProject: async () => {
        // The old watcher is still open while the project reloads: a save now is taken, not lost.
        started.files.watchers[0]!.onBatch(new Map([['/p/src/during.ts', 'upsert']]));
        return watched('two');
      },
    });
    const files = started.files;
    await until(() => started.watchingCount() === 1);
    // A branch switch: the compose file and a source file in one batch.
    files.onBatch!(new Map([['/p/compose.yaml', 'upsert'], ['/p/src/a.ts', 'upsert']]));
    await until(() => started.watchingCount() === 2);
    const openWhenReady = files.watchers.filter((w) => w.open).length;
    await until(() => files.applied.length === 1);
    // Both changes, in one batch, by the rules of the reloaded project; the old watcher closed only once the new one was ready.
    expect(files.applied).toEqual(['web:sync:2']);
    expect(files.appliedBy).toEqual(['two']);
    expect(openWhenReady).toBe(1);
    expect(files.watchers.map((w) => w.open)).toEqual([false, true]);
    await started.end();
    expect(files.watchers.map((w) => w.open)).toEqual([false, false]);
  });
});
