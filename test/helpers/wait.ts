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

/** Like waitFor, for a check that must ask something (an API, a file): every 25 ms. */
export async function waitUntil(check: () => Promise<boolean>, what: string, limitMs = 3000): Promise<void> {
  const deadline = Date.now() + limitMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(25)
  }
}
