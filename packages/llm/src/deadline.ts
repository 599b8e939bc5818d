/** A running deadline: its signal, whether it ran out, and how to stop it. */
export interface Deadline {
  signal: AbortSignal;
  timedOut(): boolean;
  end(): void;
}

/**
 * One deadline for a request, from sending it to the last byte of its reply, joined with the
 * caller's signal. `timedOut` tells the deadline apart from the caller's cancel; `end` drops
 * the timer and the listener on the caller's signal, which may live for many calls (a plain
 * AbortController rather than AbortSignal.any, whose links to a long-lived signal pile up).
 */
export function deadline(timeoutMs: number, callerSignal?: AbortSignal): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`no reply within ${timeoutMs} ms`, 'TimeoutError'));
  }, timeoutMs);
  const onCancel = () => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) onCancel();
  else callerSignal?.addEventListener('abort', onCancel, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    end() {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCancel);
    },
  };
}
