import { afterEach, describe, expect, it, vi } from 'vitest';
import { onStopSignals, type StopRequest } from './stop-signals.js';

// Signals are emitted as events on this process: the listeners run, nothing is really sent.
const SIGNAL = 'SIGUSR2';

describe('onStopSignals', () => {
  afterEach(() => vi.useRealTimers());

  it('stops gracefully on the first signal, forced on the second, then lets go', () => {
    const requests: StopRequest[] = [];
    const before = process.listenerCount(SIGNAL);
    onStopSignals((request) => requests.push(request), { signals: [SIGNAL], graceMs: 60_000 });
    process.emit(SIGNAL, SIGNAL);
    expect(requests).toEqual([{ force: false }]);
    process.emit(SIGNAL, SIGNAL);
    expect(requests).toEqual([{ force: false }, { force: true }]);
    expect(process.listenerCount(SIGNAL)).toBe(before);
  });

  it('forces the stop once the grace period is over', () => {
    vi.useFakeTimers();
    const requests: StopRequest[] = [];
    onStopSignals((request) => requests.push(request), { signals: [SIGNAL], graceMs: 1_000 });
    process.emit(SIGNAL, SIGNAL);
    vi.advanceTimersByTime(999);
    expect(requests).toEqual([{ force: false }]);
    vi.advanceTimersByTime(1);
    expect(requests).toEqual([{ force: false }, { force: true }]);
  });

  it('reads the one grace setting, and uninstalls early without forcing', () => {
    vi.useFakeTimers();
    const requests: StopRequest[] = [];
    const uninstall = onStopSignals((request) => requests.push(request), {
      signals: [SIGNAL],
      env: { CODEGOD_STOP_GRACE_MS: '50' },
    });
    process.emit(SIGNAL, SIGNAL);
    uninstall();
    vi.advanceTimersByTime(100);
    expect(requests).toEqual([{ force: false }]);
    expect(() => onStopSignals(() => {}, { env: { CODEGOD_STOP_GRACE_MS: 'soon' } })).toThrow(
      /graceMs \(environment variable CODEGOD_STOP_GRACE_MS\)/,
    );
  });
});
