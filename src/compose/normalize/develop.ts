// `develop.watch` rules with host paths made absolute.
import path from 'node:path';
import type { DevelopConfig, WatchAction, WatchRule } from '../../core/model.js';
import type { Node } from '../node.js';
import { child, isSeq, scalarText } from '../node.js';
import type { VariableLookup } from '../interpolation.js';
import { resolveKeyedValues } from './environment.js';
import { commandOf } from './command.js';

export function normalizeDevelop(node: Node, projectDir: string, lookup: VariableLookup): DevelopConfig {
  const watch = child(node, 'watch');
  return { watch: isSeq(watch) ? watch.items.map((rule) => watchRule(rule, projectDir, lookup)) : [] };
}

function watchRule(node: Node, projectDir: string, lookup: VariableLookup): WatchRule {
  const rule: WatchRule = {
    action: (scalarText(child(node, 'action')) ?? 'sync') as WatchAction,
    path: path.resolve(projectDir, scalarText(child(node, 'path')) ?? '.'),
    ignore: stringList(child(node, 'ignore')),
    include: stringList(child(node, 'include')),
    initialSync: scalarText(child(node, 'initial_sync')) === 'true',
    source: (child(node, 'path') ?? node).loc,
  };
  const target = scalarText(child(node, 'target'));
  if (target !== undefined) rule.target = target;
  const exec = child(node, 'exec');
  if (exec !== undefined) {
    const user = scalarText(child(exec, 'user'));
    const workingDir = scalarText(child(exec, 'working_dir'));
    rule.exec = {
      command: commandOf(child(exec, 'command')) ?? [],
      ...(user === undefined ? {} : { user }),
      ...(workingDir === undefined ? {} : { workingDir }),
      environment: resolveKeyedValues(child(exec, 'environment'), lookup),
    };
  }
  return rule;
}

export function stringList(node: Node | undefined): string[] {
  if (node === undefined) return [];
  if (!isSeq(node)) return [scalarText(node) ?? ''];
  return node.items.map((i) => scalarText(i) ?? '');
}
