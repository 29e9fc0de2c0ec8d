/**
 * TrafficScript lexer: turns rule text into tokens. It never throws; bad input becomes an error
 * token with a message, and lexing continues after it.
 * @module
 */
import type { Span } from './ast.ts'

export type TokenKind =
  | 'var' | 'ident' | 'int' | 'dbl' | 'str' | 'punct' | 'keyword' | 'eof' | 'error'

export interface Token {
  readonly kind: TokenKind
  /** Identifier or keyword (as written), variable name without `$`, decoded string, operator. */
  readonly text: string
  /** Numeric value for `int` and `dbl`. */
  readonly num: number
  readonly span: Span
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  'if', 'else', 'switch', 'case', 'default', 'while', 'for', 'foreach', 'in', 'do',
  'break', 'continue', 'return', 'sub', 'import', 'as', 'true', 'false',
])

// Longest first, so that `<<=` wins over `<<` and `<`.
const PUNCTUATORS = [
  '<<=', '>>=',
  '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=', '%=', '.=',
  '&=', '|=', '^=', '=>',
  '+', '-', '*', '/', '%', '.', '<', '>', '=', '!', '~', '&', '^', '|', '?', ':', ',', ';',
  '(', ')', '[', ']', '{', '}',
]

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b',
  '\\': '\\', '"': '"', "'": "'", $: '$', '0': '\0',
}

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_'
}

function isIdentPart(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9')
}

/** Variable names: ASCII letters, digits, `_`, and any non-ASCII character (names in any script). */
function isVarPart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 ||
    (code >= 0x80 && code !== 0xa0 && code !== 0xfeff && code !== 0x2028 && code !== 0x2029)
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9'
}

function isHex(c: string): boolean {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

/** Splits source into tokens, ending with exactly one `eof` token. */
export function lex(source: string): Token[] {
  const tokens: Token[] = []
  let pos = 0
  let line = 1
  let lineStart = 0
  const n = source.length

  const span = (start: number, startLine: number, startCol: number): Span => ({
    line: startLine, col: startCol, offset: start, length: Math.max(1, pos - start),
  })
  const push = (kind: TokenKind, text: string, num: number, s: Span): void => {
    tokens.push({ kind, text, num, span: s })
  }
  const newline = (at: number): void => {
    line++
    lineStart = at + 1
  }

  while (pos < n) {
    const c = source.charAt(pos)
    if (c === '\n') {
      newline(pos)
      pos++
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      pos++
      continue
    }
    if (c === '#') {
      while (pos < n && source.charAt(pos) !== '\n') pos++
      continue
    }
    const start = pos
    const startLine = line
    const startCol = pos - lineStart + 1
    if (c === '$') {
      pos++
      while (pos < n && isVarPart(source.charCodeAt(pos))) pos++
      if (pos === start + 1) {
        push('error', 'expected a variable name after "$"', 0, span(start, startLine, startCol))
      } else {
        push('var', source.slice(start + 1, pos), 0, span(start, startLine, startCol))
      }
      continue
    }
    if (isIdentStart(c)) {
      pos++
      for (;;) {
        while (pos < n && isIdentPart(source.charAt(pos))) pos++
        // Dotted function names (`string.len`) are one token; `$a.b` never reaches here.
        if (source.charAt(pos) === '.' && pos + 1 < n && isIdentStart(source.charAt(pos + 1))) {
          pos++
          continue
        }
        break
      }
      const text = source.slice(start, pos)
      push(KEYWORDS.has(text) ? 'keyword' : 'ident', text, 0, span(start, startLine, startCol))
      continue
    }
    if (isDigit(c)) {
      lexNumber()
      continue
    }
    if (c === '"' || c === "'") {
      lexString(c)
      continue
    }
    let matched = ''
    for (const p of PUNCTUATORS) {
      if (source.startsWith(p, pos)) {
        matched = p
        break
      }
    }
    if (matched !== '') {
      pos += matched.length
      push('punct', matched, 0, span(start, startLine, startCol))
      continue
    }
    pos++
    push('error', `unexpected character ${JSON.stringify(c)}`, 0, span(start, startLine, startCol))
  }
  tokens.push({ kind: 'eof', text: '', num: 0, span: { line, col: pos - lineStart + 1, offset: pos, length: 1 } })
  return tokens

  function lexNumber(): void {
    const start = pos
    const startCol = pos - lineStart + 1
    if (source.charAt(pos) === '0' && (source.charAt(pos + 1) === 'x' || source.charAt(pos + 1) === 'X')) {
      pos += 2
      const digitsStart = pos
      while (pos < n && isHex(source.charAt(pos))) pos++
      if (pos === digitsStart) {
        push('error', 'expected hexadecimal digits after "0x"', 0, span(start, line, startCol))
        return
      }
      push('int', source.slice(start, pos), Number.parseInt(source.slice(digitsStart, pos), 16), span(start, line, startCol))
      return
    }
    while (pos < n && isDigit(source.charAt(pos))) pos++
    let isDouble = false
    if (source.charAt(pos) === '.' && isDigit(source.charAt(pos + 1))) {
      isDouble = true
      pos++
      while (pos < n && isDigit(source.charAt(pos))) pos++
    }
    const e = source.charAt(pos)
    if ((e === 'e' || e === 'E') && (isDigit(source.charAt(pos + 1)) ||
      ((source.charAt(pos + 1) === '-' || source.charAt(pos + 1) === '+') && isDigit(source.charAt(pos + 2))))) {
      isDouble = true
      pos += 2
      while (pos < n && isDigit(source.charAt(pos))) pos++
    }
    const text = source.slice(start, pos)
    if (pos < n && isIdentStart(source.charAt(pos))) {
      while (pos < n && isIdentPart(source.charAt(pos))) pos++
      push('error', `malformed number ${JSON.stringify(source.slice(start, pos))}`, 0, span(start, line, startCol))
      return
    }
    push(isDouble ? 'dbl' : 'int', text, Number(text), span(start, line, startCol))
  }

  function lexString(quote: string): void {
    const start = pos
    const startLine = line
    const startCol = pos - lineStart + 1
    pos++
    let out = ''
    let problem = ''
    for (;;) {
      if (pos >= n) {
        push('error', 'unterminated string (missing closing ' + quote + ')', 0, span(start, startLine, startCol))
        return
      }
      const ch = source.charAt(pos)
      if (ch === quote) {
        pos++
        break
      }
      if (ch === '\n') newline(pos)
      if (ch !== '\\') {
        const code = ch.charCodeAt(0)
        if (code < 0x80) {
          out += ch
          pos++
        } else {
          // Rule text is Unicode; values are byte strings, so non-ASCII text becomes UTF-8 bytes.
          const cp = source.codePointAt(pos) ?? code
          const len = cp > 0xffff ? 2 : 1
          out += Buffer.from(source.slice(pos, pos + len), 'utf8').toString('latin1')
          pos += len
        }
        continue
      }
      const next = source.charAt(pos + 1)
      if (quote === "'") {
        // Raw strings keep backslashes. `\'` writes a quote; `\\` is kept as two backslashes but
        // read as a pair, so a raw regex such as '\\' (a literal backslash) still closes.
        if (next === "'") {
          out += "'"
          pos += 2
        } else if (next === '\\') {
          out += '\\\\'
          pos += 2
        } else if (next === '\n' || (next === '\r' && source.charAt(pos + 2) === '\n')) {
          // A backslash at the end of a line joins the lines, in raw strings too.
          pos += next === '\n' ? 2 : 3
          newline(pos - 1)
        } else {
          out += '\\'
          pos++
        }
        continue
      }
      pos += 2
      if (next === '\n') {
        newline(pos - 1)
        continue
      }
      if (next === '\r' && source.charAt(pos) === '\n') {
        newline(pos)
        pos++
        continue
      }
      const simple = Object.hasOwn(SIMPLE_ESCAPES, next) ? SIMPLE_ESCAPES[next] : undefined
      if (simple !== undefined && !(next === '0' && isDigit(source.charAt(pos)))) {
        out += simple
        continue
      }
      if (next === 'x') {
        const m = /^[0-9a-fA-F]{1,2}/.exec(source.slice(pos, pos + 2))
        if (m === null) problem ||= 'expected hex digits after \\x'
        else {
          out += String.fromCharCode(Number.parseInt(m[0], 16))
          pos += m[0].length
        }
        continue
      }
      if (next === 'u' || next === 'U') {
        const width = next === 'u' ? 4 : 8
        const digits = source.slice(pos, pos + width)
        const cp = /^[0-9a-fA-F]+$/.test(digits) && digits.length === width ? Number.parseInt(digits, 16) : -1
        if (cp < 0 || cp > 0x10ffff) problem ||= `expected ${width} hex digits after \\${next}`
        else {
          // Strings are byte strings: a code point above ASCII becomes its UTF-8 bytes.
          out += cp < 0x80 ? String.fromCharCode(cp) : Buffer.from(String.fromCodePoint(cp), 'utf8').toString('latin1')
          pos += width
        }
        continue
      }
      if (next >= '0' && next <= '7') {
        const m = /^[0-7]{1,3}/.exec(source.slice(pos - 1, pos + 2))
        const digits = m?.[0] ?? next
        out += String.fromCharCode(Number.parseInt(digits, 8) & 0xff)
        pos += digits.length - 1
        continue
      }
      if (next === '') continue
      // Unknown escapes keep the character and drop the backslash, as C-family lexers do.
      out += next
    }
    if (problem !== '') push('error', problem, 0, span(start, startLine, startCol))
    else push('str', out, 0, span(start, startLine, startCol))
  }
}
