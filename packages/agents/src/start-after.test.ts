import { describe, expect, it } from 'vitest';
import { startAfter } from './start-after.js';

describe('startAfter', () => {
  it('never starts what is called off before its delay, even once the delay has passed', async () => {
    let started = 0;
    const deferred = startAfter(20, async () => ++started);
    deferred.cancel();
    expect(await deferred.result).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(started).toBe(0);
  });

  it('starts after the delay, and a later cancel changes nothing', async () => {
    let started = 0;
    const deferred = startAfter(1, async () => ++started);
    expect(await deferred.result).toBe(1);
    deferred.cancel();
    expect(await deferred.result).toBe(1);
    expect(started).toBe(1);
  });

  it('passes on a start that fails', async () => {
    const deferred = startAfter(1, () => Promise.reject(new Error('no spare')));
    await expect(deferred.result).rejects.toThrowError('no spare');
  });
});
