/**
 * Removes field lines from a response head inside the buffer it arrived in. Most nodes send
 * `Connection: keep-alive`, a hop-by-hop field that must not reach the client; cutting that line
 * out in place lets the head and the body that followed it go to the client in one write,
 * without building a new head string or copying the body.
 * @module
 */
import type { ResponseHead } from './response-head.ts'

/** Says whether the field named `raw[nameStart..nameEnd)` is dropped. */
export type DropField = (head: ResponseHead, nameStart: number, nameEnd: number) => boolean

// Start and end offsets (relative to the head) of the lines kept; reused, the data plane is
// single-threaded and each call finishes before the next begins.
const MAX_KEPT = 64
const kept = new Int32Array(MAX_KEPT * 2)

/**
 * Drops the lines of `head` (which starts at `buf[headStart]` and ends right before
 * `buf[headStart + head.headBytes]`, exactly as received: the caller makes sure no rule edited
 * it) for which `drop` says so, by moving the lines before them towards the body. Returns where
 * the edited head now starts in `buf`, or -1 when there are too many pieces to move.
 */
export function spliceHeadInPlace(buf: Buffer, headStart: number, head: ResponseHead, drop: DropField): number {
  const raw = head.raw
  let pos = head.fieldsAt
  let pieces = 0
  let keptFrom = 0
  for (;;) {
    const eol = raw.indexOf('\r\n', pos)
    if (eol === -1) return -1
    if (eol === pos) break
    if (drop(head, pos, raw.indexOf(':', pos))) {
      if (pos > keptFrom) {
        if (pieces === MAX_KEPT) return -1
        kept[pieces * 2] = keptFrom
        kept[pieces * 2 + 1] = pos
        pieces++
      }
      keptFrom = eol + 2
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
