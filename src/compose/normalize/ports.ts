// Port syntax → PortMapping[]: short ("5437:5432", "127.0.0.1:5432:5432", "5432", "8000-8001:8000-8001",
// "53:53/udp", "[::1]:80:80") and long ({ target, published, host_ip, protocol }).
import type { PortMapping, SourceLocation } from '../../core/model.js';
import type { Node } from '../node.js';
import { child, scalarText } from '../node.js';

/** A port entry that cannot be read; the message is ready for a user. */
export class PortSyntaxError extends Error {}

const SHORT = /^(?:(?:(\[[0-9a-fA-F:.]+\]|[^:[\]]*):)?([0-9-]*):)?([0-9-]+)(?:\/([a-zA-Z]+))?$/;

export function parsePortEntry(node: Node): PortMapping[] {
  if (node.kind === 'map') return [parseLongPort(node)];
  const text = scalarText(node);
  if (text === undefined) throw new PortSyntaxError('a port entry must not be empty');
  return parseShortPort(text.trim(), node.loc);
}

export function parseShortPort(text: string, source?: SourceLocation): PortMapping[] {
  const match = SHORT.exec(text);
  if (!match) throw new PortSyntaxError(`invalid port ${JSON.stringify(text)}; expected [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`);
  const [, rawIp, rawPublished, rawTarget, rawProtocol] = match;
  const protocol = parseProtocol(rawProtocol ?? 'tcp');
  const hostIp = rawIp === undefined || rawIp === '' ? undefined : rawIp.replace(/^\[|\]$/g, '');
  const targets = parseRange(rawTarget!, text);
  const published = rawPublished === undefined || rawPublished === '' ? undefined : parseRange(rawPublished, text);
  if (published !== undefined && published.length > 1 && targets.length === 1) {
    // One container port on any port of a host range: the replicas of a scaled service take one each.
    const [target] = targets as [number];
    const range = { published: published[0]!, publishedTo: published[published.length - 1]! };
    return [{ target, ...range, ...(hostIp === undefined ? {} : { hostIp }), protocol, ...(source === undefined ? {} : { source }) }];
  }
  if (published !== undefined && published.length !== targets.length) {
    throw new PortSyntaxError(`invalid port ${JSON.stringify(text)}: the host and container port ranges differ in size`);
  }
  return targets.map((target, i) => ({
    target,
    ...(published === undefined ? {} : { published: published[i]! }),
    ...(hostIp === undefined ? {} : { hostIp }),
    protocol,
    ...(source === undefined ? {} : { source }),
  }));
}

function parseLongPort(node: Node): PortMapping {
  const target = Number(scalarText(child(node, 'target')));
  if (!isPort(target)) throw new PortSyntaxError('a long-form port needs "target", a container port between 1 and 65535');
  const publishedText = scalarText(child(node, 'published'));
  let published: number | undefined;
  if (publishedText !== undefined && publishedText !== '') {
    published = Number(publishedText);
    if (!isPort(published)) throw new PortSyntaxError(`invalid published port ${JSON.stringify(publishedText)}`);
  }
  const hostIp = scalarText(child(node, 'host_ip'));
  return {
    target,
    ...(published === undefined ? {} : { published }),
    ...(hostIp === undefined || hostIp === '' ? {} : { hostIp }),
    protocol: parseProtocol(scalarText(child(node, 'protocol')) ?? 'tcp'),
    source: node.loc,
  };
}

function parseProtocol(text: string): 'tcp' | 'udp' {
  const lower = text.toLowerCase();
  if (lower === 'tcp' || lower === 'udp') return lower;
  throw new PortSyntaxError(`unsupported port protocol ${JSON.stringify(text)}; use tcp or udp`);
}

function parseRange(text: string, whole: string): number[] {
  const bounds = text.split('-');
  const [low, high] = [Number(bounds[0]), Number(bounds[bounds.length - 1])];
  if (bounds.length > 2 || !isPort(low) || !isPort(high) || high < low || bounds.some((b) => b === '')) {
    throw new PortSyntaxError(`invalid port ${JSON.stringify(whole)}: ${JSON.stringify(text)} is not a port or port range (1-65535)`);
  }
  return Array.from({ length: high - low + 1 }, (_, i) => low + i);
}

function isPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}
