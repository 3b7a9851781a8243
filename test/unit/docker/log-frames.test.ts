import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../src/core/engine.js';
import { decodeLogBuffer, LogStreamDecoder, type LogDecoderOptions } from '../../../src/engine/docker/log-frames.js';

function frame(stream: 1 | 2, payload: Uint8Array | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

function decodeInChunks(data: Buffer, cuts: number[], opts: LogDecoderOptions): LogRecord[] {
  const decoder = new LogStreamDecoder(opts);
  const out: LogRecord[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out.push(...decoder.push(data.subarray(from, cut)));
    from = cut;
  }
  out.push(...decoder.push(data.subarray(from)));
  out.push(...decoder.end());
  return out;
}

const MUX: LogDecoderOptions = { multiplexed: true, timestamps: false };
const MUX_TS: LogDecoderOptions = { multiplexed: true, timestamps: true };
const T1 = '2024-05-01T10:00:00.000000001Z';
const T2 = '2024-05-01T10:00:00.000000002Z';

const sample = Buffer.concat([
  frame(1, 'hello\n'),
  frame(2, 'oops: é\r\n'),
  frame(1, 'split '),
  frame(2, 'err half'),
  frame(1, 'across frames\n'),
  frame(1, Buffer.from([0xe2, 0x82])), // first two bytes of € ...
  frame(1, Buffer.from([0xac, 0x0a])), // ... and the last, in the next frame
  frame(1, Buffer.from([0x66, 0xff, 0x6f, 0x0a])), // invalid byte
  frame(2, ' and the rest\n'),
  frame(1, 'no newline at the end'),
]);

const expected: LogRecord[] = [
  { stream: 'stdout', text: 'hello' },
  { stream: 'stderr', text: 'oops: é' },
  { stream: 'stdout', text: 'split across frames' },
  { stream: 'stdout', text: '€' },
  { stream: 'stdout', text: 'f\uFFFDo' },
  { stream: 'stderr', text: 'err half and the rest' },
  { stream: 'stdout', text: 'no newline at the end' },
];

describe('LogStreamDecoder', () => {
  it('decodes frames, joins lines across frames, strips CRLF, flushes the last partial line', () => {
    expect(decodeLogBuffer(sample, MUX)).toEqual(expected);
  });

  it('gives the same lines for every split of the sample into two chunks', () => {
    for (let cut = 0; cut <= sample.length; cut++) {
      expect(decodeInChunks(sample, [cut], MUX)).toEqual(expected);
    }
  });

  it('gives the same lines for one byte at a time', () => {
    const cuts = Array.from({ length: sample.length }, (_, i) => i);
    expect(decodeInChunks(sample, cuts, MUX)).toEqual(expected);
  });

  it('never changes the lines under random chunking (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: sample.length }), { maxLength: 40 }), (cuts) => {
        expect(decodeInChunks(sample, cuts, MUX)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('yields generated lines exactly, whatever the frame cuts, chunk cuts and timestamps (property)', () => {
    const line = fc.record({
      stream: fc.constantFrom<1 | 2>(1, 2),
      text: fc.string({ unit: 'grapheme', maxLength: 60 }).map((s) => s.replace(/[\r\n]/g, '')),
      crlf: fc.boolean(),
      frameCuts: fc.array(fc.nat(), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 30 }), fc.boolean(), (lines, chunkCuts, stamped) => {
        const frames: Buffer[] = [];
        lines.forEach((l, i) => {
          const bytes = Buffer.from(`${l.text}${l.crlf ? '\r\n' : '\n'}`, 'utf8');
          const cuts = [...new Set(l.frameCuts.map((c) => c % bytes.length))].filter((c) => c > 0).sort((a, b) => a - b);
          let from = 0;
          for (const cut of [...cuts, bytes.length]) {
            const stamp = stamped ? Buffer.from(`2024-05-01T10:00:00.${String(i).padStart(9, '0')}Z `) : Buffer.alloc(0);
            frames.push(frame(l.stream, Buffer.concat([stamp, bytes.subarray(from, cut)])));
            from = cut;
          }
        });
        const data = Buffer.concat(frames);
        const got = decodeInChunks(data, chunkCuts.map((c) => c % (data.length + 1)), { multiplexed: true, timestamps: stamped });
        const want = lines.map((l, i) => ({
          stream: l.stream === 1 ? 'stdout' : 'stderr',
          ...(stamped ? { time: `2024-05-01T10:00:00.${String(i).padStart(9, '0')}Z` } : {}),
          text: l.text,
        }));
        expect(got).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('handles a 1 MB line delivered in 64 KiB chunks and 16 KiB frames', () => {
    const long = 'x'.repeat(1024 * 1024);
    const frames: Buffer[] = [];
    for (let i = 0; i < long.length; i += 16 * 1024) frames.push(frame(1, long.slice(i, i + 16 * 1024)));
    frames.push(frame(1, '\n'), frame(1, 'after\n'));
    const data = Buffer.concat(frames);
    const cuts = Array.from({ length: Math.floor(data.length / 65536) }, (_, i) => (i + 1) * 65536);
    const got = decodeInChunks(data, cuts, MUX);
    expect(got).toHaveLength(2);
    expect(got[0]!.text.length).toBe(long.length);
    expect(got[0]!.text === long).toBe(true);
    expect(got[1]).toEqual({ stream: 'stdout', text: 'after' });
  });

  it('keeps a decoder per stream: a character split across frames survives the other stream in between', () => {
    const data = Buffer.concat([frame(1, Buffer.from([0xf0, 0x9f])), frame(2, 'e\n'), frame(1, Buffer.from([0x98, 0x80, 0x0a]))]);
    expect(decodeLogBuffer(data, MUX)).toEqual([
      { stream: 'stderr', text: 'e' },
      { stream: 'stdout', text: '😀' },
    ]);
  });

  it('turns invalid UTF-8 into U+FFFD, also at the very end', () => {
    const data = frame(1, Buffer.from([0x61, 0xc3, 0x28, 0x0a, 0xe2, 0x82]));
    expect(decodeLogBuffer(data, MUX)).toEqual([
      { stream: 'stdout', text: 'a\uFFFD(' },
      { stream: 'stdout', text: '\uFFFD' },
    ]);
  });

  it('splits the timestamp off, even when the chunk cuts through it', () => {
    const data = Buffer.concat([frame(1, `${T1} first\n`), frame(2, `${T2} second\n`)]);
    for (let cut = 0; cut <= data.length; cut++) {
      expect(decodeInChunks(data, [cut], MUX_TS)).toEqual([
        { stream: 'stdout', time: T1, text: 'first' },
        { stream: 'stderr', time: T2, text: 'second' },
      ]);
    }
  });

  it('drops the timestamps the engine puts before each 16 KiB piece of a long line', () => {
    const data = Buffer.concat([frame(1, `${T1} aaaa`), frame(1, `${T2} bbbb`), frame(1, `${T2} \n`)]);
    expect(decodeLogBuffer(data, MUX_TS)).toEqual([{ stream: 'stdout', time: T1, text: 'aaaabbbb' }]);
  });

  it('keeps an empty line and a line whose first word only looks like a time', () => {
    const data = Buffer.concat([frame(1, `${T1} \n`), frame(1, `${T2} 2024-05-01T10:00:00Z app time\n`), frame(1, 'no stamp here\n')]);
    expect(decodeLogBuffer(data, MUX_TS)).toEqual([
      { stream: 'stdout', time: T1, text: '' },
      { stream: 'stdout', time: T2, text: '2024-05-01T10:00:00Z app time' },
      { stream: 'stdout', text: 'no stamp here' },
    ]);
  });

  it('reads a TTY stream as raw stdout, timestamps at line starts', () => {
    const raw = Buffer.from(`${T1} one\r\n${T2} two\r\nno-space-and-a-very-long-first-word-that-is-not-a-time\n`);
    for (let cut = 0; cut <= raw.length; cut++) {
      expect(decodeInChunks(raw, [cut], { multiplexed: false, timestamps: true })).toEqual([
        { stream: 'stdout', time: T1, text: 'one' },
        { stream: 'stdout', time: T2, text: 'two' },
        { stream: 'stdout', text: 'no-space-and-a-very-long-first-word-that-is-not-a-time' },
      ]);
    }
    expect(decodeLogBuffer(Buffer.from([1, 0, 0, 0, 0x0a]), { multiplexed: false, timestamps: false })).toEqual([
      { stream: 'stdout', text: '\x01\x00\x00\x00' },
    ]);
  });

  it('does not keep references to the caller’s chunk buffers', () => {
    const again = new LogStreamDecoder(MUX);
    const c2 = frame(1, 'abc');
    again.push(c2);
    c2.fill(0x7a, 8);
    expect(again.push(frame(1, '\n'))).toEqual([{ stream: 'stdout', text: 'abc' }]);
  });
});
