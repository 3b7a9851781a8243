// `devstack init`: writes a compose.yaml (and a Dockerfile.dev and .dockerignore per app) for a Node.js project
// that has none, from what its package.json files say (see src/core/init-plan.ts). Never writes over a file.
import { DevstackError } from '../core/errors.js';
import { planInit, type InitFacts, type InitFile, type InitTemplates } from '../core/init-plan.js';

export interface InitDeps {
  existingComposeFile: (dir: string) => string | undefined;
  readFacts: (dir: string) => InitFacts;
  readTemplates: () => InitTemplates;
  writeFiles: (dir: string, files: InitFile[]) => string[];
}

export interface InitResult {
  /** Files written (or, with dryRun, that would be). */
  files: InitFile[];
  written: string[];
  kept: string[];
  services: string[];
}

export function initProject(req: { dir: string; dryRun: boolean }, deps: InitDeps): InitResult {
  const existing = deps.existingComposeFile(req.dir);
  if (existing) {
    throw new DevstackError('usage', `This folder already has ${existing}; init writes one only where there is none.`, {
      hint: '`devstack doctor` checks the one there; `devstack up` runs it.',
    });
  }
  const plan = planInit(deps.readFacts(req.dir), deps.readTemplates());
  const written = req.dryRun ? [] : deps.writeFiles(req.dir, plan.files);
  return { files: plan.files, written, kept: plan.kept, services: plan.services };
}
