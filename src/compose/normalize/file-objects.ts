// Top-level `secrets` and `configs`, and a service's use of them. Locally a secret or config from a file is that
// file mounted read-only: secrets at /run/secrets/<name>, configs at /<name> (or the entry's `target`), as compose
// does without Swarm. Sources other than `file:` (environment, content, external) are reported, not ignored.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ComposeIssue } from '../../core/errors.js';
import { formatLocation } from '../../core/errors.js';
import type { FileObjectDeclaration, FileObjectReference, VolumeMount } from '../../core/model.js';
import type { Node } from '../node.js';
import { child, isMap, isSeq, scalarText } from '../node.js';

export type FileObjectKind = 'secrets' | 'configs';

/** One declared secret or config: its file (and `name:`, when written), or why devstack cannot provide it. */
export type FileObject = { file: string; name?: string } | { unsupported: string };

/** The top-level section as name → file (paths relative to the project folder). */
export function declaredFileObjects(section: Node | undefined, kind: FileObjectKind, projectDir: string): Map<string, FileObject> {
  const out = new Map<string, FileObject>();
  if (!isMap(section)) return out;
  for (const [name, entry] of section.entries) {
    const file = scalarText(child(entry.value, 'file'));
    const explicitName = scalarText(child(entry.value, 'name'));
    if (file !== undefined) {
      out.set(name, { file: path.resolve(projectDir, file), ...(explicitName === undefined ? {} : { name: explicitName }) });
      continue;
    }
    const other = ['environment', 'content', 'external', 'name'].find((k) => child(entry.value, k) !== undefined) ?? 'no file';
    out.set(name, {
      unsupported: `${kind}.${name} comes from \`${other}\`; devstack provides ${kind} from \`file:\` only (write it to a file and use \`file:\`)`,
    });
  }
  return out;
}

/** The file-based ones as `config` shows them: compose names each `<project>_<key>` unless `name:` says. */
export function fileObjectDeclarations(declared: Map<string, FileObject>, projectName: string): Record<string, FileObjectDeclaration> | undefined {
  const out: Record<string, FileObjectDeclaration> = {};
  for (const [key, object] of declared) if ('file' in object) out[key] = { name: object.name ?? `${projectName}_${key}`, file: object.file };
  return Object.keys(out).length > 0 ? out : undefined;
}

export interface FileObjectContext {
  declared: Map<string, FileObject>;
  issues: ComposeIssue[];
  warnings: string[];
}

/** A service's use of a secret or config: what it asked for, and the read-only bind mount that provides it. */
export interface FileObjectUse {
  reference: FileObjectReference;
  mount: VolumeMount;
}

/** A service's `secrets:` or `configs:` entries as read-only bind mounts of the declared files. */
export function fileObjectUses(list: Node | undefined, kind: FileObjectKind, service: string, ctx: FileObjectContext): FileObjectUse[] {
  if (!isSeq(list)) return [];
  const one = kind === 'secrets' ? 'secret' : 'config';
  return list.items.flatMap((item): FileObjectUse[] => {
    const source = isMap(item) ? scalarText(child(item, 'source')) : scalarText(item);
    if (source === undefined) return [];
    const declared = ctx.declared.get(source);
    if (declared === undefined) {
      ctx.issues.push({ location: item.loc, message: `service "${service}" uses ${one} "${source}", which is not declared under top-level ${kind}` });
      return [];
    }
    if ('unsupported' in declared) {
      ctx.issues.push({ location: item.loc, message: declared.unsupported });
      return [];
    }
    if (!existsSync(declared.file)) {
      ctx.issues.push({ location: item.loc, message: `${one} "${source}": file ${declared.file} not found` });
      return [];
    }
    const ignored = isMap(item) ? ['uid', 'gid', 'mode'].filter((k) => child(item, k) !== undefined) : [];
    if (ignored.length > 0) {
      ctx.warnings.push(`${formatLocation(item.loc)}: ${ignored.join(', ')} of ${one} "${source}" ignored: the file is mounted with its own owner and mode`);
    }
    const target = (isMap(item) ? scalarText(child(item, 'target')) : undefined) ?? source;
    const mountPoint = path.posix.isAbsolute(target) ? target : kind === 'secrets' ? `/run/secrets/${target}` : `/${target}`;
    const uid = scalarText(child(item, 'uid'));
    const gid = scalarText(child(item, 'gid'));
    const mode = child(item, 'mode');
    const reference: FileObjectReference = {
      source,
      target: mountPoint,
      ...(uid === undefined ? {} : { uid }),
      ...(gid === undefined ? {} : { gid }),
      // The type cast made it a number (0440 and "0440" alike are octal); anything else is reported already.
      ...(mode?.kind === 'scalar' && typeof mode.value === 'number' ? { mode: mode.value } : {}),
    };
    return [{ reference, mount: { type: 'bind', source: declared.file, target: mountPoint, readOnly: true, createHostPath: false, location: item.loc } }];
  });
}
