// Sizes as compose reads them: "128m", "1g", "512k", "1024" (bytes, binary multiples, like docker's RAMInBytes).
const SIZE = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i;
const MULTIPLIER: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** "128m" → 134217728; a bare number is bytes. undefined when the text is not a size. */
export function parseBytes(text: string): number | undefined {
  const match = SIZE.exec(text.trim());
  if (!match) return undefined;
  return Math.floor(Number(match[1]) * MULTIPLIER[(match[2] ?? '').toLowerCase()]!);
}
