/**
 * Escaping for text request-log lines, so a hostile value cannot forge or split a line.
 * @module
 */

// Anything outside printable ASCII, plus the quote and the backslash that escaping itself uses.
const NEEDS_ESCAPE = /[^\x20-\x21\x23-\x5b\x5d-\x7e]/

const HEX = '0123456789abcdef'

/**
 * Escapes a value for a text log line: `"` becomes `\"`, `\` becomes `\\`, control characters
 * and other bytes outside printable ASCII become `\xNN`, and code points above U+00FF become
 * `\uNNNN`. Printable ASCII comes back unchanged (and unallocated).
 */
export function escapeLogValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value
  let out = ''
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code === 0x22) out += '\\"'
    else if (code === 0x5c) out += '\\\\'
    else if (code >= 0x20 && code <= 0x7e) out += value[i] ?? ''
    else if (code <= 0xff) out += '\\x' + (HEX[code >> 4] ?? '') + (HEX[code & 15] ?? '')
    else out += '\\u' + code.toString(16).padStart(4, '0')
  }
  return out
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function two(n: number): string {
  return n < 10 ? '0' + String(n) : String(n)
}

/** Formats wall time as Apache's common log format time, in UTC: `[10/Oct/2000:13:55:36 +0000]`. */
export function formatClfTime(wallMs: number): string {
  const d = new Date(wallMs)
  if (Number.isNaN(d.getTime())) return '[-]'
  return (
    '[' + two(d.getUTCDate()) + '/' + (MONTHS[d.getUTCMonth()] ?? '') + '/' + String(d.getUTCFullYear()) +
    ':' + two(d.getUTCHours()) + ':' + two(d.getUTCMinutes()) + ':' + two(d.getUTCSeconds()) + ' +0000]'
  )
}
