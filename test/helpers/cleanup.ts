/**
 * Last-in, first-out cleanup for a test. `t.after` hooks run in registration order, but a
 * client made after the proxy must be closed before the proxy stops (stopping waits for open
 * client connections), so every helper registers here instead.
 * @module
 */
import type { TestContext } from 'node:test'

const stacks = new WeakMap<TestContext, (() => unknown)[]>()

/** Runs `fn` when the test ends, before anything registered earlier. */
export function onCleanup(t: TestContext, fn: () => unknown): void {
  let stack = stacks.get(t)
  if (stack === undefined) {
    const fresh: (() => unknown)[] = []
    stack = fresh
    stacks.set(t, fresh)
    t.after(async () => {
      while (fresh.length > 0) await fresh.pop()?.()
    })
  }
  stack.push(fn)
}
