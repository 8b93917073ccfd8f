import { describe, expect, it } from 'vitest';
import { DeadBufferCollector, fullCollection } from '../../electron/sync/deadBufferCollector';

const MB = 1024 * 1024;
const buffersNow = () => process.memoryUsage().arrayBuffers;

describe('DeadBufferCollector', () => {
  it('frees buffers that died in the old generation, which V8 would keep until much later', async () => {
    const gc = fullCollection();
    expect(gc, 'a full collection can be had without the --expose-gc flag').not.toBeNull();
    const collector = new DeadBufferCollector(20 * MB);
    // Mails' buffers that lived through a collection (as they do while the parse worker is busy) are in the old generation.
    let held: Uint8Array[] | null = Array.from({ length: 40 }, (_, i) => new Uint8Array(MB).fill(i));
    gc!();
    expect(held.length).toBe(40);
    held = null;
    const before = buffersNow();
    expect(before).toBeGreaterThan(40 * MB);

    expect(collector.check()).toBe(true);
    // V8 frees the buffers' memory on a thread of its own, just after the collection.
    await expect.poll(buffersNow, { timeout: 2000 }).toBeLessThan(before - 35 * MB);
    // Nothing has grown since: no second collection.
    expect(collector.check()).toBe(false);
  });

  it('collects only once the buffers grew by the limit since the last collection, or since V8 last freed them', () => {
    const readings = [10, 15, 5, 24, 26, 8];
    let collections = 0;
    const collector = new DeadBufferCollector(20, () => collections++, () => readings.shift()!);
    expect(collector.check()).toBe(false); // 15: grew by 5
    expect(collector.check()).toBe(false); // 5: V8 freed some by itself; growth counts from here
    expect(collector.check()).toBe(false); // 24: grew by 19
    expect(collector.check()).toBe(true); // 26: grew by 21, collected; 8 after it
    expect(collections).toBe(1);
  });

  it('does nothing where no collection can be had', () => {
    const collector = new DeadBufferCollector(1, null, () => 100);
    expect(collector.check()).toBe(false);
  });
});
