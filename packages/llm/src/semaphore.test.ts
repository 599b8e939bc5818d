import { describe, expect, it } from 'vitest';
import { Semaphore } from './semaphore.js';

describe('Semaphore', () => {
  it('admits up to the limit and hands slots on in FIFO order', async () => {
    const semaphore = new Semaphore(2);
    const first = await semaphore.acquire();
    await semaphore.acquire();
    const order: string[] = [];
    const third = semaphore.acquire().then((release) => {
      order.push('third');
      return release;
    });
    const fourth = semaphore.acquire().then(() => order.push('fourth'));
    await Promise.resolve();
    expect(semaphore.inUse).toBe(2);
    expect(order).toEqual([]);
    first();
    first(); // a second release of the same slot must not free another one
    (await third)();
    await fourth;
    expect(order).toEqual(['third', 'fourth']);
    expect(semaphore.inUse).toBe(2);
  });

  it('drops a waiter whose signal aborts', async () => {
    const semaphore = new Semaphore(1);
    const release = await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    release();
    expect(semaphore.inUse).toBe(0);
  });
});
