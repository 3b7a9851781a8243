// compose files → Project: discovery, environment, per-file stages, merge, profiles, normalization.
import os from 'node:os';
import { ComposeError } from '../core/errors.js';
import { assertAcyclic, DependencyGraph } from '../core/graph.js';
import type { ComposeIssue } from '../core/errors.js';
import type { Project, ServiceConfig, SourceLocation } from '../core/model.js';
import { ComposeFileReader } from './compose-file.js';
import { composeFileVariable, discoverComposeFiles } from './discovery.js';
import { loadProjectEnvironment } from './environment-files.js';
import type { Node } from './node.js';
import { child, isMap, scalarText } from './node.js';
import { interpolateText } from './interpolation.js';
import type { VariableLookup } from './interpolation.js';
import type { ParsedYaml } from './yaml-source.js';
import { dropResetKeys, mergeComposeFiles } from './merge.js';
import { normalizeNetworks, normalizeResources } from './normalize/resources.js';
import { declaredFileObjects, fileObjectDeclarations } from './normalize/file-objects.js';
import { normalizeService } from './normalize/service.js';
import { resolveProjectName } from './project-name.js';
import { SourceFiles } from './source-files.js';
import { readStandardInputOnce, type StandardInputReader } from './standard-input.js';
import { isServiceActive, enabledProfiles } from './profiles.js';

export interface LoadOptions {
  cwd: string;
  files?: string[];
  /** --project-directory: where relative paths and .env are read from, and compose files are looked for without -f. */
  projectDirectory?: string;
  projectName?: string;
  profiles?: string[];
  envFiles?: string[];
  environment: Record<string, string | undefined>;
  /** Values for variables that neither the shell nor the env files set (devstack's own, e.g. DEVSTACK_UID). */
  defaultEnvironment?: (projectDir: string) => Record<string, string>;
  /** `-f -`: where the file's text comes from (default: this process's standard input, read once). */
  readStandardInput?: StandardInputReader;
}

/** The last top-level `name:` of the files, interpolated (a file that does not parse is reported later). */
function declaredProjectName(files: string[], lookup: VariableLookup, parsed: (file: string) => ParsedYaml): Node | undefined {
  let declared: Node | undefined;
  for (const file of files) {
    const { root, issues } = parsed(file);
    const node = child(root, 'name');
    const value = scalarText(node);
    if (node === undefined || value === undefined || issues.length > 0) continue;
    try {
      declared = { ...node, kind: 'scalar', value: interpolateText(value, lookup).value } as Node;
    } catch {
      continue; // the load reports the bad expression at its line
    }
  }
  return declared;
}

export async function loadProject(opts: LoadOptions): Promise<Project> {
  const discovered = discoverComposeFiles(opts.cwd, opts.files ?? composeFileVariable(opts.environment), opts.projectDirectory);
  const sources = new SourceFiles();
  const loaded = loadProjectEnvironment(opts.environment, discovered.projectDir, opts.cwd, opts.envFiles, sources);
  const defaults = opts.defaultEnvironment?.(discovered.projectDir) ?? {};
  const env = { lookup: (name: string) => loaded.lookup(name) ?? (Object.hasOwn(defaults, name) ? defaults[name] : undefined) };
  // The name comes first: compose sets COMPOSE_PROJECT_NAME to it for the interpolation of the files.
  const resolved: { name?: string } = {};
  const lookup: VariableLookup = (variable) =>
    variable === 'COMPOSE_PROJECT_NAME' && resolved.name !== undefined ? resolved.name : env.lookup(variable);
  const standardInput = discovered.standardInput === undefined ? undefined : { path: discovered.standardInput, read: opts.readStandardInput ?? readStandardInputOnce };
  const reader = new ComposeFileReader(lookup, sources, standardInput);
  const named = opts.projectName || env.lookup('COMPOSE_PROJECT_NAME');
  const name = resolveProjectName({
    flag: opts.projectName,
    environment: env.lookup('COMPOSE_PROJECT_NAME'),
    topLevel: named ? undefined : declaredProjectName(discovered.files, env.lookup, (file) => reader.parsed(file)),
    projectDir: discovered.projectDir,
  });
  resolved.name = name;
  const issues: ComposeIssue[] = [];
  const trees: Node[] = [];
  for (const file of discovered.files) {
    const loaded = reader.load(file);
    issues.push(...loaded.issues);
    trees.push(loaded.root);
  }
  if (issues.length > 0) throw new ComposeError(issues);
  const merged = dropResetKeys(trees.reduce((base, next) => mergeComposeFiles(base, next)));

  const volumes = normalizeResources(child(merged, 'volumes'), name);
  const networks = normalizeNetworks(child(merged, 'networks'), name);
  const profiles = enabledProfiles(opts.profiles, env.lookup('COMPOSE_PROFILES'));

  const services: Record<string, ServiceConfig> = {};
  const inactiveServices: string[] = [];
  const dependencies: { service: string; dependency: string; location: SourceLocation }[] = [];
  const serviceNodes = child(merged, 'services');
  const ctx = {
    projectDir: discovered.projectDir,
    homeDir: opts.environment.HOME ?? os.homedir(),
    lookup,
    declaredVolumes: new Set(Object.keys(volumes)),
    declaredNetworks: new Set(Object.keys(networks)),
    declaredSecrets: declaredFileObjects(child(merged, 'secrets'), 'secrets', discovered.projectDir),
    declaredConfigs: declaredFileObjects(child(merged, 'configs'), 'configs', discovered.projectDir),
    issues,
    warnings: [] as string[],
    envFilesSeen: sources,
    filesRead: sources,
  };
  const defined = new Set<string>();
  for (const entry of isMap(serviceNodes) ? serviceNodes.entries.values() : []) {
    defined.add(entry.key);
    const { config, dependencyLocations } = normalizeService(entry, ctx);
    if (config.image === undefined && config.build === undefined) {
      issues.push({ location: entry.keyLoc, message: `service "${entry.key}" has neither an image nor a build context` });
    }
    if (!isServiceActive(config.profiles, profiles)) {
      inactiveServices.push(config.name);
      continue;
    }
    services[config.name] = config;
    for (const [dependency, location] of dependencyLocations) dependencies.push({ service: config.name, dependency, location });
  }
  for (const { service, dependency, location } of dependencies) {
    if (!defined.has(dependency)) {
      issues.push({ location, message: `service "${service}" depends on undefined service "${dependency}"` });
    }
  }
  if (issues.length > 0) throw new ComposeError(issues);
  assertAcyclic(new DependencyGraph(services), services);
  return {
    name,
    workingDir: discovered.projectDir,
    composeFiles: discovered.files,
    configFiles: sources.files,
    configStamps: sources.toRecord(),
    services,
    inactiveServices,
    networks,
    volumes,
    ...withDefined('secrets', fileObjectDeclarations(ctx.declaredSecrets, name)),
    ...withDefined('configs', fileObjectDeclarations(ctx.declaredConfigs, name)),
    warnings: [...discovered.warnings, ...reader.warnings, ...ctx.warnings],
  };
}

function withDefined<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
