// The toolkit's clients wait between attempts (@actions/artifact: 3 s, then 1.5 times longer each
// time, 33 s for five attempts). A test of that behaviour keeps every attempt and every wait in
// their order, but waits a hundredth of each: long timers run 100 times shorter while it lasts.
import { jest } from '@jest/globals'

/** Timers this long or longer are retry waits; shorter ones (I/O, polling) are left alone. */
const RETRY_WAIT_MS = 1000

export interface ShortenedWaits {
  /** The waits the code asked for, in milliseconds, in order. */
  requested: number[]
  restore(): void
}

export function shortenRetryWaits(): ShortenedWaits {
  const realSetTimeout = globalThis.setTimeout
  const requested: number[] = []
  const spy = jest.spyOn(globalThis, 'setTimeout').mockImplementation(((
    callback: (...args: unknown[]) => void,
    ms?: number,
    ...args: unknown[]
  ) => {
    if (ms === undefined || ms < RETRY_WAIT_MS) return realSetTimeout(callback, ms, ...args)
    requested.push(ms)
    return realSetTimeout(callback, ms / 100, ...args)
  }) as typeof setTimeout)
  return { requested, restore: () => spy.mockRestore() }
}
