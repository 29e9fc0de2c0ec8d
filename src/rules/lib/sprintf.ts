/**
 * string.sprintf: C-style formatting of `%s %c %d %i %u %x %X %o %f %e %g %%` with flags, width
 * and precision.
 * @module
 */
import type { Value } from '../value.ts'
import { toInt, toJsNumber, toStr } from '../value.ts'

const MAX_WIDTH = 65536

const SPEC = /%([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?(?:hh|h|ll|l|q|L|j|z|t)?([sScdiuxXofFeEgG%])/g

/** C's %g: fixed notation when -4 <= exponent < precision, otherwise exponential; no trailing zeros. */
function formatG(ad: number, p: number): string {
  if (ad === 0) return '0'
  const exp = Number(ad.toExponential(p - 1).split('e')[1])
  const trim = (t: string): string => (t.includes('.') ? t.replace(/\.?0+$/, '') : t)
  if (exp < -4 || exp >= p) {
    const [mant = '', e = '0'] = ad.toExponential(p - 1).split('e')
    const n = Number(e)
    return `${trim(mant)}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`
  }
  return trim(ad.toFixed(Math.max(0, p - 1 - exp)))
}

export function sprintf(fmt: string, args: readonly Value[]): string {
  let ai = 0
  const next = (): Value => args[ai++] ?? ''
  return fmt.replace(SPEC, (_m, flags: string, widthS: string | undefined, precS: string | undefined, conv: string) => {
    if (conv === '%') return '%'
    // Widths and precisions are clamped so a format string cannot allocate without bound.
    let width = Math.max(-MAX_WIDTH, Math.min(MAX_WIDTH, widthS === '*' ? toInt(next()) : widthS === undefined ? 0 : Number(widthS)))
    const prec = Math.min(MAX_WIDTH, precS === '*' ? toInt(next()) : precS === undefined ? -1 : Number(precS))
    let left = flags.includes('-')
    if (width < 0) {
      left = true
      width = -width
    }
    const v = next()
    let body: string
    let sign = ''
    switch (conv) {
      case 's':
      case 'S':
        body = toStr(v)
        if (prec >= 0) body = body.slice(0, prec)
        break
      case 'c':
        body = typeof v === 'string' ? v.charAt(0) : String.fromCharCode(toInt(v) & 0xff)
        break
      case 'd':
      case 'i':
      case 'u': {
        const n = toInt(v)
        sign = n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : ''
        body = String(Math.abs(n))
        if (prec >= 0) body = body.padStart(prec, '0')
        break
      }
      case 'x':
      case 'X':
      case 'o': {
        const n = toInt(v)
        const u = n < 0 ? BigInt.asUintN(64, BigInt(n)) : BigInt(n)
        body = u.toString(conv === 'o' ? 8 : 16)
        if (conv === 'X') body = body.toUpperCase()
        if (flags.includes('#') && n !== 0) body = (conv === 'o' ? '0' : conv === 'x' ? '0x' : '0X') + body
        break
      }
      default: {
        const d = toJsNumber(v)
        sign = d < 0 || Object.is(d, -0) ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : ''
        const ad = Math.abs(d)
        const p = prec < 0 ? 6 : prec
        if (!Number.isFinite(ad)) body = Number.isNaN(ad) ? 'nan' : 'inf'
        else if (conv === 'f' || conv === 'F') body = ad.toFixed(Math.min(p, 100))
        else if (conv === 'e' || conv === 'E') body = ad.toExponential(Math.min(p, 100)).replace(/e([+-])(\d)$/, 'e$10$2')
        else body = formatG(ad, Math.max(1, Math.min(p === 0 ? 1 : p, 100)))
        if (conv === 'E' || conv === 'G') body = body.toUpperCase()
      }
    }
    const len = sign.length + body.length
    if (len >= width) return sign + body
    if (left) return sign + body + ' '.repeat(width - len)
    if (flags.includes('0') && conv !== 's' && conv !== 'c') return sign + '0'.repeat(width - len) + body
    return ' '.repeat(width - len) + sign + body
  })
}
