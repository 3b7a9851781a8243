// Decodes the engine's log stream into whole lines. Pure: bytes in, LogRecords out.
//
// Without a TTY the engine multiplexes stdout and stderr into frames: an 8-byte header (stream type,
// 3 zero bytes, uint32 big-endian payload length) and the payload. With a TTY the stream is raw
// bytes, all of it stdout. Chunks may split a header, a payload, a line or a UTF-8 character at any
// byte; the decoder keeps state so that chunking never changes the lines it yields.
//
// With timestamps the engine puts `<RFC3339Nano> ` before every log message. A message is one line,
// except that the engine cuts long lines (16 KiB) into several messages, each with its own timestamp.
// So in a multiplexed stream the timestamp is stripped at the start of every frame (the first one of
// a line becomes its `time`); in a raw stream, frames are unknown and it is stripped at line starts.
import type { LogRecord } from '../../core/engine.js';

type StreamName = LogRecord['stream'];

const HEADER_BYTES = 8;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
/** `2006-01-02T15:04:05.999999999-07:00` is 35 bytes; a longer first word is not a timestamp. */
const MAX_TIMESTAMP_BYTES = 40;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/;

export interface LogDecoderOptions {
  /** false for TTY containers: the stream is raw stdout. */
  multiplexed: boolean;
  /** The stream carries a timestamp before each message. */
  timestamps: boolean;
}

/**
 * Streaming decoder: `push` each chunk as it arrives, `end` once at the end of the stream.
 * Both return the lines completed so far, in stream order.
 */
export class LogStreamDecoder {
  private readonly multiplexed: boolean;
  private readonly lines: Record<StreamName, LineAssembler>;
  private readonly header = new Uint8Array(HEADER_BYTES);
  private headerFilled = 0;
  private payloadLeft = 0;
  private current: LineAssembler;

  constructor(opts: LogDecoderOptions) {
    this.multiplexed = opts.multiplexed;
    const stampAt = !opts.timestamps ? 'never' : opts.multiplexed ? 'message-start' : 'line-start';
    this.lines = { stdout: new LineAssembler('stdout', stampAt), stderr: new LineAssembler('stderr', stampAt) };
    this.current = this.lines.stdout;
  }

  push(chunk: Uint8Array): LogRecord[] {
    const out: LogRecord[] = [];
    if (!this.multiplexed) {
      this.lines.stdout.write(chunk, out);
      return out;
    }
    let pos = 0;
    while (pos < chunk.length) {
      if (this.payloadLeft > 0) {
        const take = Math.min(this.payloadLeft, chunk.length - pos);
        this.current.write(chunk.subarray(pos, pos + take), out);
        this.payloadLeft -= take;
        pos += take;
        continue;
      }
      const take = Math.min(HEADER_BYTES - this.headerFilled, chunk.length - pos);
      this.header.set(chunk.subarray(pos, pos + take), this.headerFilled);
      this.headerFilled += take;
      pos += take;
      if (this.headerFilled === HEADER_BYTES) this.beginFrame();
    }
    return out;
  }

  end(): LogRecord[] {
    const out: LogRecord[] = [];
    this.lines.stdout.flush(out);
    this.lines.stderr.flush(out);
    return out;
  }

  private beginFrame(): void {
    this.headerFilled = 0;
    // 0 stdin (echoed with a TTY), 1 stdout, 2 stderr, 3 the engine's own error.
    const type = this.header[0];
    this.current = type === 2 || type === 3 ? this.lines.stderr : this.lines.stdout;
    this.payloadLeft =
      ((this.header[4]! << 24) >>> 0) + (this.header[5]! << 16) + (this.header[6]! << 8) + this.header[7]!;
    this.current.beginMessage();
  }
}

/** Decodes a whole buffer at once: the lines a stream made of exactly this buffer yields. */
export function decodeLogBuffer(data: Uint8Array, opts: LogDecoderOptions): LogRecord[] {
  const decoder = new LogStreamDecoder(opts);
  return [...decoder.push(data), ...decoder.end()];
}

type StampPosition = 'never' | 'message-start' | 'line-start';

/**
 * Joins the bytes of one stream into lines. Lines are split on bytes (0x0A never occurs inside a
 * UTF-8 sequence), then each whole line is decoded, so a character split across chunks or frames
 * stays whole and invalid bytes become U+FFFD.
 */
class LineAssembler {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  private parts: Uint8Array[] = [];
  private partsBytes = 0;
  private time: string | undefined;
  /** Bytes seen of a possible timestamp at the start of a message; undefined when not expecting one. */
  private stamp: Uint8Array[] | undefined;
  private stampBytes = 0;

  constructor(
    private readonly stream: StreamName,
    private readonly stampAt: StampPosition,
  ) {
    if (stampAt === 'line-start') this.stamp = [];
  }

  beginMessage(): void {
    if (this.stampAt === 'message-start') this.startStamp();
  }

  write(bytes: Uint8Array, out: LogRecord[]): void {
    let pos = 0;
    while (pos < bytes.length) {
      if (this.stamp !== undefined) {
        pos = this.readStamp(bytes, pos);
        continue;
      }
      const nl = bytes.indexOf(NEWLINE, pos);
      if (nl === -1) {
        this.keep(bytes.subarray(pos));
        return;
      }
      this.emit(this.lineEndingAt(bytes, pos, nl), out);
      pos = nl + 1;
      if (this.stampAt === 'line-start') this.startStamp();
    }
  }

  flush(out: LogRecord[]): void {
    if (this.stamp !== undefined) this.giveUpStamp();
    if (this.partsBytes > 0) this.emit(this.joinParts(), out);
    this.time = undefined;
  }

  private startStamp(): void {
    this.stamp = [];
    this.stampBytes = 0;
  }

  /** Consumes timestamp bytes from `pos`; returns where the rest of the message begins. */
  private readStamp(bytes: Uint8Array, pos: number): number {
    const limit = Math.min(bytes.length, pos + MAX_TIMESTAMP_BYTES + 1 - this.stampBytes);
    let end = pos;
    while (end < limit && bytes[end] !== SPACE && bytes[end] !== NEWLINE) end++;
    if (end === limit) {
      this.stamp!.push(bytes.subarray(pos, end));
      this.stampBytes += end - pos;
      if (this.stampBytes > MAX_TIMESTAMP_BYTES) this.giveUpStamp();
      return end;
    }
    if (bytes[end] === SPACE) {
      const candidate = Buffer.concat([...this.stamp!, bytes.subarray(pos, end)]).toString('latin1');
      if (TIMESTAMP.test(candidate)) {
        if (this.partsBytes === 0 && this.time === undefined) this.time = candidate;
        this.stamp = undefined;
        return end + 1;
      }
    }
    // A newline or a first word that is no timestamp: it was all text.
    this.giveUpStamp();
    return pos;
  }

  /** What looked like the start of a timestamp is text after all. */
  private giveUpStamp(): void {
    const parts = this.stamp ?? [];
    this.stamp = undefined;
    for (const p of parts) this.keep(p);
  }

  private keep(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    // The chunk's buffer may be reused by the caller: copy what outlives this call.
    this.parts.push(Uint8Array.prototype.slice.call(bytes));
    this.partsBytes += bytes.length;
  }

  private lineEndingAt(bytes: Uint8Array, start: number, nl: number): Uint8Array {
    if (this.partsBytes === 0) return bytes.subarray(start, nl);
    this.keep(bytes.subarray(start, nl));
    return this.joinParts();
  }

  private joinParts(): Uint8Array {
    const joined = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partsBytes);
    this.parts = [];
    this.partsBytes = 0;
    return joined;
  }

  private emit(line: Uint8Array, out: LogRecord[]): void {
    const end = line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.length - 1 : line.length;
    const text = this.decoder.decode(line.subarray(0, end));
    out.push(this.time === undefined ? { stream: this.stream, text } : { stream: this.stream, time: this.time, text });
    this.time = undefined;
  }
}
