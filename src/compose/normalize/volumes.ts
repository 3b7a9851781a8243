// Service volume syntax → VolumeMount: short ("./backend:/app", "pgdata:/data:ro", "/app/node_modules")
// and long ({ type, source, target, read_only, bind, volume }). Relative and `~` paths become absolute.
import path from 'node:path';
import type { VolumeMount } from '../../core/model.js';
import type { Node } from '../node.js';
import { child, scalarText } from '../node.js';
import { parseBytes } from './byte-sizes.js';

/** A volume entry that cannot be read; the message is ready for a user. */
export class VolumeSyntaxError extends Error {}

export interface VolumeContext {
  projectDir: string;
  homeDir: string;
  /** Keys of the top-level `volumes`. */
  declaredVolumes: ReadonlySet<string>;
}

const PROPAGATIONS = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);
const SHORT_MODES = new Set(['ro', 'rw', 'z', 'Z', 'nocopy', 'cached', 'delegated', 'consistent', 'shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);

/** The container path of a short or long entry (used to merge volume lists by target). */
export function volumeTarget(node: Node): string | undefined {
  if (node.kind === 'map') return scalarText(child(node, 'target'));
  const text = scalarText(node);
  if (text === undefined) return undefined;
  const parts = text.split(':');
  return parts.length === 1 ? parts[0] : parts[1];
}

export function isHostPath(source: string): boolean {
  return source.startsWith('.') || source.startsWith('/') || source.startsWith('~') || /^[A-Za-z]:[\\/]/.test(source);
}

export function resolveHostPath(source: string, ctx: Pick<VolumeContext, 'projectDir' | 'homeDir'>): string {
  if (source === '~' || source.startsWith('~/')) return path.join(ctx.homeDir, source.slice(1));
  return path.resolve(ctx.projectDir, source);
}

export function parseVolumeEntry(node: Node, ctx: VolumeContext): VolumeMount {
  return node.kind === 'map' ? parseLongVolume(node, ctx) : parseShortVolume(scalarText(node) ?? '', ctx);
}

function parseShortVolume(text: string, ctx: VolumeContext): VolumeMount {
  const parts = text.split(':');
  if (parts.length === 1) return { type: 'volume', target: checkTarget(parts[0]!, text), readOnly: false };
  if (parts.length > 3) throw new VolumeSyntaxError(`invalid volume ${JSON.stringify(text)}; expected SOURCE:TARGET[:MODE]`);
  const [source, rawTarget, rawMode] = parts as [string, string, string | undefined];
  const target = checkTarget(rawTarget, text);
  const modes = rawMode === undefined ? [] : rawMode.split(',');
  const unknown = modes.filter((m) => !SHORT_MODES.has(m));
  if (unknown.length > 0) throw new VolumeSyntaxError(`invalid volume mode ${JSON.stringify(unknown.join(','))} in ${JSON.stringify(text)}; use ro or rw`);
  const readOnly = modes.includes('ro');
  if (source === '') throw new VolumeSyntaxError(`invalid volume ${JSON.stringify(text)}: empty source`);
  if (isHostPath(source)) {
    const propagation = modes.find((m) => PROPAGATIONS.has(m));
    const selinux = modes.find((m): m is 'z' | 'Z' => m === 'z' || m === 'Z');
    return {
      type: 'bind',
      source: resolveHostPath(source, ctx),
      target,
      readOnly,
      createHostPath: true,
      ...(propagation === undefined ? {} : { propagation }),
      ...(selinux === undefined ? {} : { selinux }),
    };
  }
  return { type: 'volume', source: checkNamedVolume(source, ctx), target, readOnly, ...(modes.includes('nocopy') ? { noCopy: true } : {}) };
}

function parseLongVolume(node: Node, ctx: VolumeContext): VolumeMount {
  const type = scalarText(child(node, 'type')) ?? '';
  const target = checkTarget(scalarText(child(node, 'target')) ?? '', 'long-form volume');
  const readOnly = scalarText(child(node, 'read_only')) === 'true';
  const source = scalarText(child(node, 'source'));
  switch (type) {
    case 'volume': {
      const noCopy = scalarText(child(child(node, 'volume'), 'nocopy')) === 'true';
      const subpath = scalarText(child(child(node, 'volume'), 'subpath'));
      const named = source === undefined || source === '' ? {} : { source: checkNamedVolume(source, ctx) };
      return { type: 'volume', ...named, target, readOnly, ...(noCopy ? { noCopy } : {}), ...(subpath === undefined ? {} : { subpath }) };
    }
    case 'bind': {
      if (source === undefined || source === '') throw new VolumeSyntaxError('a bind mount needs a "source" host path');
      const bind = child(node, 'bind');
      // As compose does: created unless the file says `create_host_path: false` (docker/compose#12797).
      const createHostPath = scalarText(child(bind, 'create_host_path')) !== 'false';
      const propagation = scalarText(child(bind, 'propagation'));
      if (propagation !== undefined && !PROPAGATIONS.has(propagation)) {
        throw new VolumeSyntaxError(`bind.propagation ${JSON.stringify(propagation)} is not one of ${[...PROPAGATIONS].join(', ')}`);
      }
      const selinux = scalarText(child(bind, 'selinux'));
      if (selinux !== undefined && selinux !== 'z' && selinux !== 'Z') throw new VolumeSyntaxError(`bind.selinux must be z or Z, not ${JSON.stringify(selinux)}`);
      return {
        type: 'bind',
        source: resolveHostPath(source, ctx),
        target,
        readOnly,
        createHostPath,
        ...(propagation === undefined ? {} : { propagation }),
        ...(selinux === undefined ? {} : { selinux }),
      };
    }
    case 'tmpfs': {
      const tmpfs = child(node, 'tmpfs');
      const sizeText = scalarText(child(tmpfs, 'size'));
      const sizeBytes = sizeText === undefined ? undefined : parseBytes(sizeText);
      if (sizeText !== undefined && sizeBytes === undefined) throw new VolumeSyntaxError(`tmpfs.size ${JSON.stringify(sizeText)} is not a size; e.g. 64m`);
      const modeNode = child(tmpfs, 'mode');
      const mode = modeNode === undefined ? undefined : fileModeOf(modeNode);
      return { type: 'tmpfs', target, readOnly, ...(sizeBytes === undefined ? {} : { sizeBytes }), ...(mode === undefined ? {} : { mode }) };
    }
    default:
      throw new VolumeSyntaxError(`unsupported volume type ${JSON.stringify(type)}; use volume, bind or tmpfs`);
  }
}

/** A YAML integer is taken as written (1777 in YAML 1.1 octal form arrives as 1023); a string is octal. */
function fileModeOf(node: Node): number {
  if (node.kind === 'scalar' && typeof node.value === 'number') return node.value;
  const text = scalarText(node) ?? '';
  if (!/^0?[0-7]{1,4}$/.test(text)) throw new VolumeSyntaxError(`tmpfs.mode ${JSON.stringify(text)} is not an octal file mode`);
  return Number.parseInt(text, 8);
}

function checkTarget(target: string, whole: string): string {
  if (!target.startsWith('/')) {
    throw new VolumeSyntaxError(`invalid volume ${JSON.stringify(whole)}: the container path ${JSON.stringify(target)} must be absolute`);
  }
  return target;
}

function checkNamedVolume(name: string, ctx: VolumeContext): string {
  if (!ctx.declaredVolumes.has(name)) {
    throw new VolumeSyntaxError(`named volume "${name}" is not declared in the top-level volumes; add "volumes: { ${name}: {} }"`);
  }
  return name;
}
