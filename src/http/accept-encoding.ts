/**
 * Accept-Encoding negotiation (RFC 9110 §12.5.3): which of the codings a virtual server offers
 * the client prefers, honouring q-values, `q=0` refusals, `*` and `identity`.
 * @module
 */
import type { ContentCoding } from '../snapshot/index.ts'

/** Longest Accept-Encoding value looked at; real ones are a few dozen bytes. */
const MAX_VALUE_CHARS = 4096

/**
 * Parses a qvalue (`0`, `0.5`, `1.000`...), or -1 when it is not one: an element with a bad
 * qvalue is ignored rather than guessed at.
 */
function parseQ(text: string): number {
  if (!/^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(text)) return -1
  return Number(text)
}

/**
 * The coding to use for a client that sent `accept` (every Accept-Encoding field, joined with
 * commas), out of `offered` (in the order the virtual server prefers them); null when the client
 * wants none of them, so the response goes unencoded. A client that sent no Accept-Encoding gets
 * null too: RFC 9110 allows any coding then, but old clients that omit it cannot decode.
 */
export function chooseCoding(accept: string | null, offered: readonly ContentCoding[]): ContentCoding | null {
  if (accept === null || accept.length > MAX_VALUE_CHARS) return null
  let star = -1
  // The q-value stated for each offered coding, -1 where the client did not name it.
  const stated: number[] = offered.map(() => -1)
  for (const element of accept.split(',')) {
    const parts = element.split(';')
    let coding = (parts[0] ?? '').trim().toLowerCase()
    if (coding === '') continue
    if (coding === 'x-gzip') coding = 'gzip'
    let q = 1
    for (let i = 1; i < parts.length; i++) {
      const param = (parts[i] ?? '').trim()
      const eq = param.indexOf('=')
      if (eq === -1 || param.slice(0, eq).trim().toLowerCase() !== 'q') continue
      q = parseQ(param.slice(eq + 1).trim())
    }
    if (q < 0) continue
    if (coding === '*') star = Math.max(star, q)
    const at = offered.indexOf(coding as ContentCoding)
    if (at !== -1) stated[at] = Math.max(stated[at] ?? -1, q)
  }
  let best: ContentCoding | null = null
  let bestQ = 0
  for (let i = 0; i < offered.length; i++) {
    const q = stated[i] === -1 ? star : (stated[i] ?? -1)
    if (q > bestQ) {
      bestQ = q
      best = offered[i] ?? null
    }
  }
  return best
}
