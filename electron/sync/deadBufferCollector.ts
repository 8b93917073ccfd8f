import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How far a sync lets the main thread's ArrayBuffers grow before it asks for a full collection. */
export const DEFAULT_BUFFER_GROWTH_BYTES = 20 * 1024 * 1024;

/**
 * Frees the memory of dead buffers during a large sync, which V8 would leave to grow.
 *
 * A mail's raw bytes (from imapflow) and its attachments (from the parse worker) are ArrayBuffers
 * whose memory lies outside V8's heap. Most die young and are freed by the young generation's
 * collector; but those that live through two of its collections, as they do while the parse
 * worker is busy, move to the old generation, where V8 frees them only at a full collection,
 * and starts one for them only once such memory has grown by some 64 MB. Measured on a
 * 20,000-mail sync, the main thread's buffers then climbed to 35-60 MB and the sync peaked at
 * 312-330 MB RSS instead of about 250 MB. Asking for a full collection once the buffers have
 * grown by 20 MB since the last one bounds them: 1-3 collections of about 30 ms per such sync.
 *
 * Node and Electron's main process expose no way to ask for a collection without the
 * `--expose-gc` flag, which Electron's main process does not take from the app; so it is
 * turned on just long enough to take the `gc` function of a new context (as Jest's leak detector
 * does). V8 allows flags to change after start-up there: Electron starts its main process's V8
 * with `--no-freeze-flags-after-init`, as Node does. Where it fails anyway, nothing is collected
 * early and the sync runs as before.
 */
export class DeadBufferCollector {
  private baseline: number;

  constructor(
    private readonly growthBytes: number = DEFAULT_BUFFER_GROWTH_BYTES,
    private readonly collect: (() => void) | null = fullCollection(),
    private readonly measure: () => number = () => process.memoryUsage().arrayBuffers,
  ) {
    this.baseline = measure();
  }

  /** Called between stored batches; collects if the buffers grew too far. True if it did. */
  check(): boolean {
    const now = this.measure();
    // V8 collected by itself: growth counts from there.
    if (now < this.baseline) this.baseline = now;
    if (!this.collect || now - this.baseline < this.growthBytes) return false;
    this.collect();
    // V8 frees the buffers' memory on another thread just after: the next check sees the fall.
    this.baseline = this.measure();
    return true;
  }
}

let collector: (() => void) | null | undefined;

/** V8's full garbage collection, or null where it cannot be had. Taken once per process. */
export function fullCollection(): (() => void) | null {
  if (collector !== undefined) return collector;
  collector = null;
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return (collector = exposed as () => void);
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (typeof gc === 'function') collector = gc as () => void;
  } catch {
    // Left null: the sync runs without early collections.
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  return collector;
}
