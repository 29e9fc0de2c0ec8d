/**
 * How TransactionView implementations compare header field names.
 * @module
 */

/**
 * ASCII case-insensitive equality of two field names, without lower-casing a copy of either:
 * rules look headers up by literal names on every request. Field names are tokens (the parser
 * and the library refuse anything else), so ASCII folding is all the folding there is.
 */
export function sameFieldName(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    const lower = x | 0x20
    if (lower !== (y | 0x20) || lower < 0x61 || lower > 0x7a) return false
  }
  return true
}
