/**
 * Removes field lines from a response head inside the buffer it arrived in. Most nodes send
 * `Connection: keep-alive`, a hop-by-hop field that must not reach the client; cutting that line
 * out in place lets the head and the body that followed it go to the client in one write,
 * without building a new head string or copying the body.
 * @module
 */
import type { ResponseHead } from './response-head.ts'

/** Says whether the field named `buf[nameStart..nameEnd)` (a line of `head`) is dropped. */
export type DropField = (head: ResponseHead, buf: Buffer, nameStart: number, nameEnd: number) => boolean

// Start and end offsets (relative to the head) of the lines kept; reused, the data plane is
// single-threaded and each call finishes before the next begins.
const MAX_KEPT = 64
const kept = new Int32Array(MAX_KEPT * 2)

/**
 * Drops the lines of `head` (which starts at `buf[headStart]` and ends right before
 * `buf[headStart + head.headBytes]`, exactly as received and parsed: the caller makes sure no
 * rule edited it) for which `drop` says so, by moving the lines before them towards the body.
 * Returns where the edited head now starts in `buf`, or -1 when there are too many pieces to
 * move.
 */
export function spliceHeadInPlace(buf: Buffer, headStart: number, head: ResponseHead, drop: DropField): number {
  // The lines are walked in the buffer: the head parsed, so each name ends at its first colon
  // and each line at its first CR.
  const blank = headStart + head.headBytes - 2
  let pos = headStart + head.fieldsAt
  let pieces = 0
  let keptFrom = 0
  while (pos < blank) {
    let colon = pos
    while (colon < blank && buf[colon] !== 0x3a) colon++
    let eol = colon
    while (eol < blank && buf[eol] !== 0x0d) eol++
    if (drop(head, buf, pos, colon)) {
      const at = pos - headStart
      if (at > keptFrom) {
        if (pieces === MAX_KEPT) return -1
        kept[pieces * 2] = keptFrom
        kept[pieces * 2 + 1] = at
        pieces++
      }
      keptFrom = eol + 2 - headStart
    }
    pos = eol + 2
  }
  // The tail (after the last dropped line, up to the blank line) is already in place.
  let to = headStart + keptFrom
  for (let p = pieces - 1; p >= 0; p--) {
    const from = headStart + (kept[p * 2] ?? 0)
    const end = headStart + (kept[p * 2 + 1] ?? 0)
    to -= end - from
    if (to !== from) buf.copyWithin(to, from, end)
  }
  return to
}
