/**
 * How long a subject the backtracking (JavaScript) engine may be trusted with, for one pattern.
 * The bound counts the ways a backtracking engine can try the pattern: a quantifier on one
 * character multiplies them by the number of rounds it may take, alternatives add up, and a
 * repeated group with choices inside (`(a+)+`, `([a-z0-9]{1,63}\.?)+`, `(a|b)*`) multiplies them
 * by itself at every round, which is exponential. The bound is pessimistic on purpose: a pattern
 * over its limit is not refused, it runs on the linear-time engine instead.
 * @module
 */
import type { RegexNode } from './regex-syntax.ts'

/** Most ways the backtracking engine may try, over all start positions, for one match. */
export const BACKTRACK_BUDGET = 100_000
/** A pattern that never tries more ways than this at one position is linear on any subject. */
const CONSTANT_WAYS = 1_000
/** Subjects longer than this cannot occur (MAX_STRING_CHARS is 16 MiB). */
const LONGEST = 1 << 30

function isFixedWidth(n: RegexNode): boolean {
  switch (n.k) {
    case 'seq':
      return n.items.every(isFixedWidth)
    case 'alt':
      return false
    case 'group':
      return isFixedWidth(n.body)
    case 'repeat':
      return n.min === n.max && isFixedWidth(n.body)
    case 'empty':
    case 'set':
    case 'assert':
    case 'look':
      return true
  }
}

/** Upper bound of the ways to try `n` at one position of a subject of `len` characters. */
function ways(n: RegexNode, len: number): number {
  switch (n.k) {
    case 'seq':
      return n.items.reduce((acc, item) => acc * ways(item, len), 1)
    case 'alt':
      return n.alts.reduce((acc, alt) => acc + ways(alt, len), 0)
    case 'group':
    case 'look':
      return ways(n.body, len)
    case 'repeat': {
      const inner = ways(n.body, len)
      const rounds = Math.min(n.max, len + 1)
      if (inner === 1 && isFixedWidth(n.body)) return Math.max(1, rounds - n.min + 1)
      if (n.max <= 1) return n.min === 0 ? 1 + inner : inner
      // Every round may end in each of the body's ways: nested repetition.
      return Math.max(1, rounds - n.min + 1) * inner ** rounds
    }
    case 'empty':
    case 'set':
    case 'assert':
      return 1
  }
}

/** True when a group with choices inside repeats (`(a+)+`, `(a|b)*`): exponential backtracking. */
export function hasNestedRepetition(n: RegexNode): boolean {
  switch (n.k) {
    case 'seq':
      return n.items.some(hasNestedRepetition)
    case 'alt':
      return n.alts.some(hasNestedRepetition)
    case 'group':
    case 'look':
      return hasNestedRepetition(n.body)
    case 'repeat':
      return (n.max > 1 && (ways(n.body, 1) > 1 || !isFixedWidth(n.body))) || hasNestedRepetition(n.body)
    case 'empty':
    case 'set':
    case 'assert':
      return false
  }
}

/** True when every way through `n` starts with `^` (so only position 0 is tried). */
function isAnchored(n: RegexNode): boolean {
  switch (n.k) {
    case 'assert':
      return n.what === '^'
    case 'seq':
      return n.items[0] !== undefined && isAnchored(n.items[0])
    case 'alt':
      return n.alts.every(isAnchored)
    case 'group':
      return isAnchored(n.body)
    case 'empty':
    case 'set':
    case 'look':
    case 'repeat':
      return false
  }
}

/**
 * The longest subject the backtracking engine may take for this pattern: Infinity when it is
 * linear anyway, 0 or more otherwise, -1 when no subject is safe (nested repetition).
 */
export function backtrackLimitChars(root: RegexNode, isMultiline: boolean): number {
  const starts = (len: number): number => (isAnchored(root) && !isMultiline ? 1 : len + 1)
  if (ways(root, LONGEST) <= CONSTANT_WAYS) return Infinity
  const fits = (len: number): boolean => starts(len) * ways(root, len) <= BACKTRACK_BUDGET
  if (!fits(0)) return -1
  let lo = 0
  let hi = BACKTRACK_BUDGET
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (fits(mid)) lo = mid
    else hi = mid - 1
  }
  return lo
}
