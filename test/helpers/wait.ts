/**
 * Bounded polling for integration tests.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'

/** Polls `check` every 5 ms until it is true; throws after `limitMs`. */
export async function waitFor(check: () => boolean, what: string, limitMs = 3000): Promise<void> {
  for (let waited = 0; waited < limitMs; waited += 5) {
    if (check()) return
    await sleep(5)
  }
  throw new Error(`timed out waiting for ${what}`)
}

export { sleep }
