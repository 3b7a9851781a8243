// Typed scalar values of the host keys: sizes in bytes, integers, decimals (cpus), CPU times in microseconds.
import type { Node } from '../node.js';
import { scalarText } from '../node.js';
import { parseBytes } from './byte-sizes.js';
import { ValueError } from './node-errors.js';

export function bytesOf(node: Node, what: string): number {
  const text = scalarText(node) ?? '';
  const bytes = parseBytes(text);
  if (bytes === undefined) throw new ValueError(`${what}: invalid size ${JSON.stringify(text)}; e.g. 512k, 128m, 1g or a number of bytes`);
  return bytes;
}

export function integerOf(node: Node, what: string): number {
  const text = scalarText(node) ?? '';
  if (!/^-?\d+$/.test(text.trim())) throw new ValueError(`${what}: ${JSON.stringify(text)} is not an integer`);
  return Number(text);
}

export function decimalOf(node: Node, what: string): number {
  const text = scalarText(node) ?? '';
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new ValueError(`${what}: ${JSON.stringify(text)} is not a number`);
  return value;
}

/** cpu_rt_runtime / cpu_rt_period: microseconds, given as a number or a duration ("400ms"). */
export function microsecondsOf(node: Node, what: string): number {
  const text = (scalarText(node) ?? '').trim();
  if (/^-?\d+$/.test(text)) return Number(text);
  const match = /^(\d+(?:\.\d+)?)(us|µs|ms|s|m|h)$/.exec(text);
  if (!match) throw new ValueError(`${what}: invalid duration ${JSON.stringify(text)}; e.g. 950000 (microseconds) or 950ms`);
  const perUnit: Record<string, number> = { us: 1, µs: 1, ms: 1_000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000 };
  return Math.round(Number(match[1]) * perUnit[match[2]!]!);
}
