// Writes sync batches into a service's container: through a sync channel (a helper process kept
// open in the container) when the engine and the image allow it, else through putArchive + exec.
// A channel found ended between batches (the container restarted, say) is reopened at the next
// batch. A batch the channel broke on is sent again the slow way (a batch is safe to apply twice);
// after a few such breaks, or when the helper cannot run at all, that container is written the slow way.
import type { ExecPort } from '../../core/engine.js';
import { DevstackError } from '../../core/errors.js';
import { engineTransport, removeFailed, syncToContainer, type SyncCopy, type SyncResult, type SyncTransport } from './container-sync.js';
import { ContainerSyncChannel, SyncChannelBroken, SyncChannelUnsupported, SyncCommandFailed, type HelperWait, type MaybeExecStream } from './sync-channel.js';

/** How long one batch may wait for the helper's answer before the channel is given up. */
export const BATCH_LIMIT_MS = 60_000;
/** Breaks during a batch, or failed starts, per container before the channel is no longer tried. */
const MAX_BREAKS = 5;

export class ContainerWriter {
  private channel: { containerId: string; opening: Promise<ContainerSyncChannel | undefined> } | undefined;
  /** Containers where a channel cannot be used, or broke too often. */
  private readonly breaks = new Map<string, number>();
  private readonly lifetime = new AbortController();

  constructor(private readonly engine: Pick<ExecPort, 'exec' | 'putArchive'> & MaybeExecStream) {}

  /** Copies and removes; the result is the same whichever way it went. */
  async sync(containerId: string, copies: SyncCopy[], deletes: string[]): Promise<SyncResult> {
    const channel = await this.channelFor(containerId);
    if (channel) {
      try {
        return await syncToContainer(this.engine, containerId, copies, deletes, this.channelTransport(channel, containerId));
      } catch (err) {
        if (!(err instanceof SyncChannelBroken)) throw err;
        this.noteBreak(containerId, channel);
        if (this.lifetime.signal.aborted) throw new DevstackError('interrupted', 'sync into the container: interrupted');
      }
    }
    return syncToContainer(this.engine, containerId, copies, deletes);
  }

  /** Opens the channel ahead of the first batch (errors only mean the slow way will be used). */
  async prepare(containerId: string): Promise<void> {
    await this.channelFor(containerId);
  }

  /** Ends the helper; later batches use putArchive + exec. */
  close(): void {
    this.lifetime.abort();
    void this.channel?.opening.then((c) => c?.close());
    this.channel = undefined;
  }

  private async channelFor(containerId: string): Promise<ContainerSyncChannel | undefined> {
    if (!this.mayOpen(containerId)) return undefined;
    const current = this.channel;
    if (current?.containerId === containerId) {
      const channel = await current.opening;
      if (channel?.isOpen || this.channel !== current) return channel?.isOpen ? channel : undefined;
      // Ended since the last batch (the container restarted, say): open a new one for this batch.
      channel?.close();
    } else {
      void current?.opening.then((c) => c?.close());
    }
    this.channel = { containerId, opening: this.open(containerId) };
    return this.channel.opening;
  }

  private mayOpen(containerId: string): boolean {
    return !this.lifetime.signal.aborted && (this.breaks.get(containerId) ?? 0) < MAX_BREAKS;
  }

  private async open(containerId: string): Promise<ContainerSyncChannel | undefined> {
    try {
      return await ContainerSyncChannel.open(this.engine, containerId, this.lifetime.signal);
    } catch (err) {
      const unsupported = err instanceof SyncChannelUnsupported;
      this.breaks.set(containerId, unsupported ? MAX_BREAKS : (this.breaks.get(containerId) ?? 0) + 1);
      return undefined;
    }
  }

  private noteBreak(containerId: string, channel: ContainerSyncChannel): void {
    channel.close();
    if (this.channel?.containerId === containerId) this.channel = undefined;
    this.breaks.set(containerId, (this.breaks.get(containerId) ?? 0) + 1);
  }

  private channelTransport(channel: ContainerSyncChannel, containerId: string): SyncTransport {
    const wait: HelperWait = { signal: this.lifetime.signal, limitMs: BATCH_LIMIT_MS };
    return {
      remove: async (paths) => {
        if (!ContainerSyncChannel.canRemove(paths)) return engineTransport(this.engine, containerId).remove(paths);
        try {
          await channel.remove(paths, wait);
        } catch (err) {
          if (err instanceof SyncCommandFailed) throw removeFailed(paths.length, err.stderr);
          throw err;
        }
      },
      extract: async (archive) => {
        try {
          await channel.extract(archive, wait);
        } catch (err) {
          if (!(err instanceof SyncCommandFailed)) throw err;
          throw new DevstackError('engine', `Copying files into the container failed (tar ${err.message})`, {
            hint: 'Check that the target folder exists or can be created, and that the disk is not full.',
          });
        }
      },
    };
  }
}
