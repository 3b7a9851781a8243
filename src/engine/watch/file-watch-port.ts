// The real FileWatchPort: the folder watcher (fs.watch per folder), the change batcher, the rule matchers (with the build
// context's .dockerignore) and the per-rule sync into the container, put together for the watch use case.
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import type { ChangeWatch, ChangeWatchRequest, FileWatchPort, RuleSyncHandle, RuleSyncRequest } from '../../core/file-watch.js';
import { DevstackError } from '../../core/errors.js';
import { readDockerignore } from '../docker/dockerignore.js';
import { ChangeBatcher, DEFAULT_MAX_WAIT_MS, DEFAULT_QUIET_MS, systemClock } from './change-batcher.js';
import { watchFiles } from './file-watcher.js';
import { RuleSync } from './rule-sync.js';
import { skipsForAll, WatchRuleMatcher } from './watch-rules.js';

/** The matcher behind each handle this port made (the watcher needs it to leave paths out). */
const matchers = new WeakMap<RuleSyncHandle, WatchRuleMatcher>();

export const fileWatchPort: FileWatchPort = {
  async createRuleSync(req: RuleSyncRequest): Promise<RuleSyncHandle> {
    const { service, rule } = req;
    const build = service.build;
    const ignoreFrom = req.dockerignoreDir !== undefined ? { context: req.dockerignoreDir, dockerfile: '' } : build;
    const patterns = ignoreFrom ? await readBuildDockerignore(ignoreFrom.context, ignoreFrom.dockerfile) : undefined;
    const matcher = new WatchRuleMatcher(service.name, rule, ignoreFrom && patterns ? { dockerignore: { contextDir: ignoreFrom.context, patterns } } : {});
    const sync = new RuleSync(matcher, { engine: req.engine, findContainer: req.findContainer, ...(req.findReplicas ? { findReplicas: req.findReplicas } : {}), copy: req.copy, stopTimeoutS: req.stopTimeoutS });
    const handle: RuleSyncHandle = {
      service: service.name,
      rule,
      start: (signal, emit) => sync.start(signal, emit),
      take: (batch, isDir) => sync.take(batch, isDir),
      drop: () => sync.drop(),
      apply: (emit) => sync.apply(emit),
      catchUp: (emit, signal) => sync.catchUp(emit, signal),
    };
    matchers.set(handle, matcher);
    return handle;
  },

  watchChanges(req: ChangeWatchRequest): ChangeWatch {
    const ruleMatchers = req.rules.map((r) => {
      const m = matchers.get(r);
      if (!m) throw new DevstackError('internal', `watch rule of ${r.service} was not made by this file-watch port`);
      return m;
    });
    const dirs = new Set<string>();
    const batcher = new ChangeBatcher({
      quietMs: DEFAULT_QUIET_MS,
      maxWaitMs: DEFAULT_MAX_WAIT_MS,
      clock: systemClock,
      onBatch: (batch) => req.onBatch(batch, (p) => dirs.has(p)),
    });
    const files = req.files.map((f) => path.resolve(f));
    const watcher = watchFiles({
      paths: [...new Set([...ruleMatchers.map((m) => m.rule.path), ...files])],
      skips: skipsForAll(ruleMatchers, files),
      onChange: (p, kind, isDir) => {
        if (isDir) dirs.add(p);
        batcher.add(p, kind);
      },
      onWarning: (message, hint) => req.onWarning(`${message} ${hint}`),
      onError: req.onError,
    });
    return {
      ready: watcher.ready,
      close: async () => {
        batcher.dispose();
        await watcher.close();
      },
    };
  },
};

async function readBuildDockerignore(context: string, dockerfile: string): Promise<string[] | undefined> {
  const files = dockerfile === '' ? [] : [path.join(context, `${dockerfile}.dockerignore`)];
  for (const file of [...files, path.join(context, '.dockerignore')]) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) return readDockerignore(text);
  }
  return undefined;
}
