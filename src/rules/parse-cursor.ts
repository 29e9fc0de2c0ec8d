/**
 * The parser's view of the token stream: lookahead, expectations, diagnostics, node and depth
 * limits. Shared by the statement and expression parsers.
 * @module
 */
import type { Span } from './ast.ts'
import type { RawDiagnostic } from './diagnostic.ts'
import type { Token } from './lexer.ts'

/** Parse limits, for DoS handling (cel-js `DEFAULT_LIMITS`). */
export interface ParseLimits {
  readonly maxSourceChars: number
  readonly maxAstNodes: number
  readonly maxDepth: number
  readonly maxCallArguments: number
}

/** Thrown inside the parser only, to unwind to the statement being parsed. */
export class SyntaxFailure extends Error {
  readonly fatal: boolean
  constructor(fatal: boolean) {
    super(fatal ? 'fatal syntax failure' : 'syntax failure')
    this.fatal = fatal
  }
}

export class TokenCursor {
  readonly #tokens: readonly Token[]
  readonly limits: ParseLimits
  readonly #diags: RawDiagnostic[]
  pos = 0
  depth = 0
  nodeCount = 0

  constructor(tokens: readonly Token[], limits: ParseLimits, diags: RawDiagnostic[]) {
    this.#tokens = tokens
    this.limits = limits
    this.#diags = diags
  }

  /** The token `ahead` positions from the current one. */
  peek(ahead = 0): Token {
    const t = this.#tokens[Math.min(this.pos + ahead, this.#tokens.length - 1)]
    if (t === undefined) throw new SyntaxFailure(true)
    return t
  }

  at(kind: Token['kind'], text?: string): boolean {
    const t = this.peek()
    return t.kind === kind && (text === undefined || t.text === text)
  }

  isPunct(text: string): boolean {
    return this.at('punct', text)
  }

  isKeyword(text: string): boolean {
    return this.at('keyword', text)
  }

  next(): Token {
    const t = this.peek()
    if (t.kind !== 'eof') this.pos++
    return t
  }

  expectPunct(text: string, context: string): Token {
    if (this.isPunct(text)) return this.next()
    const prev = this.#tokens[this.pos - 1]
    const next = this.peek()
    // A statement that runs into the next line almost always lacks its ';': point at the line end.
    if (text === ';' && prev !== undefined && next.span.line > prev.span.line && !prev.text.includes('\n')) {
      const at = { line: prev.span.line, col: prev.span.col + prev.span.length, offset: prev.span.offset + prev.span.length, length: 1 }
      const where = next.kind === 'eof' ? 'at the end of the rule' : `(the next line starts with ${describe(next)})`
      this.report(`missing ';' ${context} ${where}`, at)
      // Carry on as if it were there, so the next statement is still checked.
      return prev
    }
    return this.fail(`expected '${text}' ${context}, found ${describe(next)}`)
  }

  fail(message: string, at: Token = this.peek()): never {
    this.report(message, at.span)
    throw new SyntaxFailure(false)
  }

  report(message: string, span: Span): void {
    const last = this.#diags[this.#diags.length - 1]
    // One syntax error per line: after the first, recovery often trips over the rest of the same
    // broken line, and those follow-on messages only bury the real one.
    if (last?.line === span.line) return
    const t = this.#tokens.find((x) => x.span.offset === span.offset && x.kind === 'error')
    const msg = t === undefined ? message : t.text
    this.#diags.push({ severity: 'error', line: span.line, col: span.col, length: span.length, message: msg })
  }

  node<T>(n: T): T {
    this.nodeCount++
    if (this.nodeCount > this.limits.maxAstNodes) {
      this.report(`rule is too large (more than ${this.limits.maxAstNodes} syntax nodes)`, this.peek().span)
      throw new SyntaxFailure(true)
    }
    return n
  }

  enter(): void {
    this.depth++
    if (this.depth > this.limits.maxDepth) {
      this.report(`nesting is too deep (more than ${this.limits.maxDepth} levels)`, this.peek().span)
      throw new SyntaxFailure(true)
    }
  }

  spanFrom(start: Span): Span {
    const prev = this.#tokens[this.pos - 1]
    const end = prev === undefined ? start.offset + start.length : prev.span.offset + prev.span.length
    return { line: start.line, col: start.col, offset: start.offset, length: Math.max(1, end - start.offset) }
  }

  /** Reports an unexpected token without consuming it, so recovery can resynchronise on it. */
  unexpected(t: Token): never {
    if (t.kind !== 'eof') this.pos--
    if (t.kind === 'error') return this.fail(t.text, t)
    return this.fail(t.kind === 'eof' ? 'unexpected end of rule in expression' : `unexpected ${describe(t)} in expression`, t)
  }
}

/** How a token is named in messages. */
export function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'end of rule'
    case 'var':
      return `variable $${t.text}`
    case 'str':
      return 'string'
    case 'int':
    case 'dbl':
      return `number ${t.text}`
    case 'ident':
      return `name ${t.text}`
    case 'keyword':
      return `"${t.text}"`
    case 'punct':
      return `'${t.text}'`
    case 'error':
      return t.text
  }
}
