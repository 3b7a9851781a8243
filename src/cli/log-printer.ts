// Prints log lines: `service-n |` prefixes aligned and coloured per service, optional timestamps,
// or one JSON object per line. Writes with backpressure; a closed pipe (`| head`) ends it quietly.
import type { ServiceLogLine } from '../app/logs.js';
import { colorEnabled } from './output-mode.js';

export interface LogPrinterOptions {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  /** Every service that may appear, to pad prefixes to the longest name. */
  services: string[];
  timestamps: boolean;
  /** false: `--no-log-prefix`. */
  prefix: boolean;
  json: boolean;
  /** false: `--no-color`. Otherwise colour follows colorEnabled: NO_COLOR off, FORCE_COLOR on, else a TTY. */
  color: boolean;
  env?: NodeJS.ProcessEnv;
  /** Ends printing (Ctrl-C), even while the reader is not taking anything. */
  signal?: AbortSignal;
  /** Told once when the reader goes away (EPIPE), so the log source can stop now rather than at its next line. */
  onReaderGone?: () => void;
}

export interface PrintResult {
  lines: number;
  /** The reader went away (EPIPE): not an error, the command exits 0. */
  pipeClosed: boolean;
  /** Interrupted while the reader had not taken everything: the process should exit without waiting for it. */
  unwritten: boolean;
}

// Bright and plain cyan, yellow, green, magenta, blue: readable on dark and light terminals.
const PALETTE = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];
const RESET = '\x1b[0m';
/** Lines gathered before a write; also the backpressure step. */
const FLUSH_BYTES = 64 * 1024;

export function useColor(opts: Pick<LogPrinterOptions, 'color' | 'out' | 'env'>): boolean {
  const env = opts.env ?? process.env;
  return opts.color && colorEnabled(env, opts.out.isTTY === true);
}

/** A stable colour per service: the same name always gets the same colour. */
export function serviceColor(service: string): number {
  let hash = 0;
  for (let i = 0; i < service.length; i++) hash = (hash * 31 + service.charCodeAt(i)) >>> 0;
  return PALETTE[hash % PALETTE.length]!;
}

export interface LineLayout {
  width: number;
  color: boolean;
  timestamps: boolean;
  prefix: boolean;
  json: boolean;
}

export function lineLayout(opts: LogPrinterOptions): LineLayout {
  return {
    width: Math.max(0, ...opts.services.map((s) => `${s}-1`.length)),
    color: useColor(opts),
    timestamps: opts.timestamps,
    prefix: opts.prefix,
    json: opts.json,
  };
}

/**
 * `web-1`, `web-2`: the container's name without the project, as compose v2 prefixes every container's lines; a
 * service with its own `container_name` is shown by that name, as compose shows it.
 */
function linePrefix(line: ServiceLogLine): string {
  const numbered = `${line.service}-${line.replica}`;
  return line.container === '' || line.container.endsWith(numbered) ? numbered : line.container;
}

/** One printed line, with its newline. */
export function formatLogLine(line: ServiceLogLine, layout: LineLayout): string {
  if (layout.json) {
    const { service, replica, container, stream, time, text } = line;
    return `${JSON.stringify({ service, replica, container, stream, time, text })}\n`;
  }
  const stamp = layout.timestamps && line.time ? `${line.time} ` : '';
  if (!layout.prefix) return `${stamp}${line.text}\n`;
  const label = `${linePrefix(line).padEnd(layout.width)} |`;
  const prefix = layout.color ? `\x1b[${serviceColor(line.service)}m${label}${RESET}` : label;
  return `${prefix} ${stamp}${line.text}\n`;
}

export async function printLogLines(lines: AsyncIterable<ServiceLogLine>, opts: LogPrinterOptions): Promise<PrintResult> {
  const writer = new PipeWriter(opts.out, opts.onReaderGone);
  const layout = lineLayout(opts);
  const { signal } = opts;
  let count = 0;
  try {
    for await (const line of lines) {
      if (writer.closed || signal?.aborted) break;
      // Services not known up front (no compose file) widen the column as they appear.
      layout.width = Math.max(layout.width, linePrefix(line).length);
      writer.add(formatLogLine(line, layout));
      count++;
      // Backpressure: no next line while the reader has not taken the last ones, so the log streams pause.
      if (writer.pendingBytes >= FLUSH_BYTES || writer.congested) await writer.flush(signal);
    }
    await writer.flush(signal);
  } finally {
    writer.dispose();
  }
  return { lines: count, pipeClosed: writer.closed, unwritten: signal?.aborted === true && writer.holdsText() };
}

/**
 * Gathers text and writes it in pieces: at FLUSH_BYTES, or once the lines stop coming for a moment
 * (setImmediate), so a followed log appears at once and a long one is not a write per line. Nothing is written
 * while the stream waits to drain, so memory stays bounded behind a slow reader.
 */
class PipeWriter {
  closed = false;
  /** The stream's buffer is full: wait for 'drain' before writing more. */
  congested = false;
  pendingBytes = 0;
  private pending: string[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private failure: Error | undefined;
  private readonly onError = (err: Error): void => {
    if ((err as NodeJS.ErrnoException).code === 'EPIPE' || (err as NodeJS.ErrnoException).code === 'ERR_STREAM_DESTROYED') {
      if (!this.closed) this.onGone?.();
      this.closed = true;
      this.pending = [];
      this.pendingBytes = 0;
    } else {
      this.failure = err;
    }
  };
  private readonly onDrain = (): void => {
    this.congested = false;
  };

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly onGone?: () => void,
  ) {
    out.on('error', this.onError);
    out.on('drain', this.onDrain);
  }

  add(text: string): void {
    this.pending.push(text);
    this.pendingBytes += text.length;
    this.scheduled ??= setImmediate(() => {
      this.scheduled = undefined;
      if (!this.failure && !this.congested) this.writePending();
    });
  }

  /** Writes what is pending and waits until the stream takes more (or the reader is gone, or the signal ends it). */
  async flush(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.closed || signal?.aborted) return;
      if (this.congested) {
        await this.drained(signal);
        continue;
      }
      if (this.pending.length === 0) return;
      this.writePending();
    }
  }

  /** Text not yet taken by the reader (pending here or buffered in the stream). */
  holdsText(): boolean {
    return !this.closed && (this.pending.length > 0 || ((this.out as { writableLength?: number }).writableLength ?? 0) > 0);
  }

  dispose(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.out.off('error', this.onError);
    this.out.off('drain', this.onDrain);
    // A late EPIPE after we stop listening must not crash the process.
    this.out.on('error', () => {});
  }

  private drained(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.out.off('drain', done);
        this.out.off('close', done);
        this.out.off('error', done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.out.on('drain', done);
      this.out.on('close', done);
      this.out.on('error', done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private writePending(): void {
    if (this.failure) throw this.failure;
    if (this.pending.length === 0 || this.closed) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    try {
      if (!this.out.write(text)) this.congested = true;
    } catch (err) {
      this.onError(err as Error);
    }
  }
}
