// A helper shell inside the container that applies sync batches sent over one open exec stream, so a
// batch costs one write and one acknowledgement instead of an engine request (putArchive or exec:
// 150–300 ms each on dockerd 20.10). Starting a process in a container is slow too (30–40 ms on a
// small machine), so a batch starts as few as it can: `head | tar` (side by side) for copies, one
// `rm` for removals; everything else is shell builtins.
//
// Host → helper, on stdin, one frame per request:
//   `<seq> x <length>\n` then <length> bytes: a tar to extract at /;
//   `<seq> r <count>\n` then <count> lines: absolute paths to remove (rm -rf).
// Helper → host, on stdout: what tar or rm said (stderr joined in), then `@ack <seq> <exit code>\n`.
// The helper keeps nothing on disk, so a helper killed with its container (a restart) leaves nothing.
// Opening runs a self-test (an empty tar and a removal, written at once): a container without sh,
// head, tar or rm, or whose `head -c` reads past its count, fails it and the caller keeps using
// putArchive and exec. A frame the helper cannot parse ends it (the caller then sends that batch
// the slow way).
import type { ExecPort, ExecStream } from '../../core/engine.js';

/** POSIX sh with coreutils or busybox. The first line names it in `ps`. */
export const SYNC_HELPER_SCRIPT = [
  '# devstack sync helper',
  'while read -r seq op len; do',
  '  case "$seq.$len" in *[!0-9.]*|.*|*.) echo "@ack 0 93"; exit 93 ;; esac',
  '  case "$op" in',
  '    x) head -c "$len" | tar -x -f - -C / 2>&1 ;;',
  '    r) set --; i=0',
  '       while [ "$i" -lt "$len" ] && IFS= read -r p; do set -- "$@" "$p"; i=$((i + 1)); done',
  '       rm -rf -- "$@" 2>&1 ;;',
  '    *) echo "@ack $seq 92"; exit 92 ;;',
  '  esac',
  '  echo "@ack $seq $?"',
  'done',
].join('\n');

/** How long opening (exec start + self-test) may take. */
export const OPEN_LIMIT_MS = 5_000;

/** The stream is gone or out of step: the batch's outcome is unknown; send it another way. */
export class SyncChannelBroken extends Error {}

/** No helper can run in this container (the engine cannot stream, or the image lacks a tool): do not ask again. */
export class SyncChannelUnsupported extends SyncChannelBroken {}

/**
 * Every Engine keeps exec streams open; the channel still takes an engine without one (and answers
 * SyncChannelUnsupported), so the writer's fallback to exec/putArchive is decided here, in one place.
 */
export type MaybeExecStream = Partial<Pick<ExecPort, 'openExecStream'>>;

/** A wait for the helper: ended early by `signal`, given up after `limitMs`. */
export interface HelperWait {
  signal: AbortSignal;
  limitMs: number;
}

/** The helper ran the frame's command and it failed (tar or rm exit code, with its stderr). */
export class SyncCommandFailed extends Error {
  constructor(
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(`exit ${exitCode}${stderr ? `: ${stderr}` : ''}`);
  }
}

interface Ack {
  exitCode: number;
  stderr: string;
}

interface Waiter {
  resolve: (ack: Ack) => void;
  reject: (err: Error) => void;
}

const EMPTY_TAR = Buffer.alloc(1024);

function frame(seq: number, op: 'x' | 'r', payload: Buffer | string[]): Buffer {
  if (Buffer.isBuffer(payload)) return Buffer.concat([Buffer.from(`${seq} ${op} ${payload.length}\n`), payload]);
  return Buffer.from(`${seq} ${op} ${payload.length}\n${payload.map((p) => `${p}\n`).join('')}`);
}

export class ContainerSyncChannel {
  private nextSeq = 1;
  private readonly waiting = new Map<number, Waiter>();
  private brokenBy: string | undefined;
  private lineBuffer = '';
  /** What the helper printed since the last acknowledgement (the next one's stderr). */
  private said: string[] = [];

  private constructor(private readonly stream: ExecStream) {
    stream.stdout.setEncoding('utf8');
    stream.stdout.on('data', (text: string) => this.onOutput(text));
    stream.stderr.resume();
    void stream.ended.then(() => this.break('the sync helper in the container ended'));
  }

  /**
   * Starts the helper in the container (as root, like putArchive writes) and checks it works.
   * Throws SyncChannelBroken when it does not (the engine cannot, the image lacks a tool).
   */
  static async open(engine: MaybeExecStream, containerId: string, signal: AbortSignal): Promise<ContainerSyncChannel> {
    if (!engine.openExecStream) throw new SyncChannelUnsupported('the engine cannot keep an exec stream open');
    let stream: ExecStream;
    try {
      stream = await engine.openExecStream(containerId, ['sh', '-c', SYNC_HELPER_SCRIPT], { user: '0', signal });
    } catch (err) {
      throw new SyncChannelBroken(`cannot start the sync helper: ${(err as Error).message}`);
    }
    const channel = new ContainerSyncChannel(stream);
    try {
      const wait = { signal, limitMs: OPEN_LIMIT_MS };
      const nowhere = `/tmp/devstack-sync-check-${process.pid}-${Date.now()}/none`;
      await Promise.all([channel.request('x', EMPTY_TAR, wait), channel.request('r', [nowhere], wait)]);
    } catch (err) {
      channel.close();
      if (signal.aborted) throw new SyncChannelBroken('interrupted');
      throw new SyncChannelUnsupported(`the sync helper failed its self-test: ${(err as Error).message}`);
    }
    return channel;
  }

  get isOpen(): boolean {
    return this.brokenBy === undefined;
  }

  /** Extracts a tar (paths relative to /) in the container. */
  async extract(archive: Buffer, wait: HelperWait): Promise<void> {
    await this.request('x', archive, wait);
  }

  /** rm -rf of absolute container paths (none with a newline: see `canRemove`). */
  async remove(paths: string[], wait: HelperWait): Promise<void> {
    await this.request('r', paths, wait);
  }

  /** Paths are sent one a line. */
  static canRemove(paths: string[]): boolean {
    return paths.every((p) => !p.includes('\n'));
  }

  /** Ends the helper (its input closes); waiting requests fail with SyncChannelBroken. */
  close(): void {
    this.break('the sync channel was closed');
    this.stream.close();
  }

  /** Sends one frame and waits for its acknowledgement; a command failure rejects with SyncCommandFailed. */
  private request(op: 'x', payload: Buffer, wait: HelperWait): Promise<Ack>;
  private request(op: 'r', paths: string[], wait: HelperWait): Promise<Ack>;
  private request(op: 'x' | 'r', payload: Buffer | string[], { signal, limitMs }: HelperWait): Promise<Ack> {
    if (this.brokenBy !== undefined) return Promise.reject(new SyncChannelBroken(this.brokenBy));
    const seq = this.nextSeq++;
    return new Promise<Ack>((resolve, reject) => {
      // Given up, the frame may be half-sent or half-applied: the stream can no longer be trusted.
      const giveUp = (why: string): void => {
        this.break(why);
        this.stream.close();
      };
      const onAbort = (): void => giveUp('the wait for the sync helper was interrupted');
      const timer = setTimeout(() => giveUp(`no answer from the sync helper within ${limitMs} ms`), limitMs);
      const settle = (): void => {
        clearTimeout(timer);
        this.waiting.delete(seq);
        signal.removeEventListener('abort', onAbort);
      };
      this.waiting.set(seq, {
        resolve: (ack) => {
          settle();
          if (ack.exitCode === 0) resolve(ack);
          else reject(new SyncCommandFailed(ack.exitCode, ack.stderr));
        },
        reject: (err) => {
          settle();
          reject(err);
        },
      });
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.stream.stdin.write(frame(seq, op, payload));
    });
  }

  private onOutput(text: string): void {
    this.lineBuffer += text;
    let nl: number;
    while ((nl = this.lineBuffer.indexOf('\n')) >= 0) {
      const line = this.lineBuffer.slice(0, nl);
      this.lineBuffer = this.lineBuffer.slice(nl + 1);
      const match = /^@ack (\d+) (\d+)$/.exec(line);
      if (!match) {
        if (this.said.push(line) > 20) this.said.shift();
        continue;
      }
      const waiter = this.waiting.get(Number(match[1]));
      if (!waiter) {
        this.break(`the sync helper got out of step (exit ${match[2]}): ${this.said.join(' ').slice(-400)}`);
        this.stream.close();
        return;
      }
      waiter.resolve({ exitCode: Number(match[2]), stderr: this.said.join(' ').trim().slice(-400) });
      this.said = [];
    }
  }

  private break(reason: string): void {
    if (this.brokenBy !== undefined) return;
    this.brokenBy = reason;
    for (const waiter of [...this.waiting.values()]) waiter.reject(new SyncChannelBroken(reason));
  }
}
