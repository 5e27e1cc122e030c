/**
 * Runs `work` after `ms` milliseconds. Below half a millisecond it starts in the same turn of the
 * event loop, which is what "at the same moment" means for two handlers in one process; a timer
 * would always put at least a millisecond between them.
 */
export function later<T>(ms: number, work: () => Promise<T>): Promise<T> {
  if (ms < 0.5) return Promise.resolve().then(work);
  return new Promise<T>((resolve, reject) => {
    setTimeout(() => {
      work().then(resolve, reject);
    }, ms);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A promise that is awaited later: a rejection before then must not count as unhandled (Node would
 * stop the process), and must still surface when it is awaited.
 */
export function deferred<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * Runs `work` after `turns` microtask turns: two handlers started in the same event-loop turn
 * interleave at this grain, so this is how "at once" varies inside one process.
 */
export async function afterTurns<T>(turns: number, work: () => Promise<T>): Promise<T> {
  for (let turn = 0; turn < turns; turn++) await Promise.resolve();
  return work();
}
