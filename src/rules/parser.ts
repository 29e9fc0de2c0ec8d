/**
 * Hand-written recursive-descent parser for TrafficScript. It never throws: every problem becomes
 * a diagnostic with a position, and parsing resumes at the next statement so that all errors are
 * reported at once.
 * @module
 */
import type { AssignOp, BinaryOp, Expr, Program, Span, Stmt, SwitchCase } from './ast.ts'
import type { RawDiagnostic } from './diagnostic.ts'
import { lex } from './lexer.ts'
import type { Token } from './lexer.ts'

/** Parse limits, for DoS handling (cel-js `DEFAULT_LIMITS`). */
export interface ParseLimits {
  readonly maxSourceChars: number
  readonly maxAstNodes: number
  readonly maxDepth: number
  readonly maxCallArguments: number
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxSourceChars: 1_000_000,
  maxAstNodes: 200_000,
  maxDepth: 200,
  maxCallArguments: 64,
}

export interface ParseResult {
  readonly program: Program
  readonly diagnostics: readonly RawDiagnostic[]
}

const ASSIGN_OPS: ReadonlySet<string> = new Set([
  '=', '+=', '-=', '*=', '/=', '%=', '.=', '&=', '|=', '^=', '<<=', '>>=',
])

const BINARY_PRECEDENCE: Readonly<Record<string, number>> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6,
  '<': 7, '<=': 7, '>': 7, '>=': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '.': 9,
  '*': 10, '/': 10, '%': 10,
}

/** Thrown inside the parser only, to unwind to the statement being parsed. */
class SyntaxFailure extends Error {
  readonly fatal: boolean
  constructor(fatal: boolean) {
    super(fatal ? 'fatal syntax failure' : 'syntax failure')
    this.fatal = fatal
  }
}

/** Parses one rule. Always returns a program (possibly partial) and every diagnostic found. */
export function parse(source: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): ParseResult {
  const diagnostics: RawDiagnostic[] = []
  if (source.length > limits.maxSourceChars) {
    diagnostics.push({ severity: 'error', line: 1, col: 1, length: 1, message: `rule is longer than ${limits.maxSourceChars} characters` })
    return { program: { body: [], nodeCount: 0 }, diagnostics }
  }
  const tokens = lex(source)
  const p = new Parser(tokens, limits, diagnostics)
  const body = p.parseProgram()
  return { program: { body, nodeCount: p.nodeCount }, diagnostics }
}

class Parser {
  readonly #tokens: readonly Token[]
  readonly #limits: ParseLimits
  readonly #diags: RawDiagnostic[]
  #pos = 0
  #depth = 0
  nodeCount = 0

  constructor(tokens: readonly Token[], limits: ParseLimits, diags: RawDiagnostic[]) {
    this.#tokens = tokens
    this.#limits = limits
    this.#diags = diags
  }

  parseProgram(): Stmt[] {
    const body: Stmt[] = []
    while (!this.#at('eof')) {
      const before = this.#pos
      const s = this.#statementOrRecover(true)
      if (s === 'fatal') break
      if (s !== null) body.push(s)
      if (this.#pos === before) this.#pos++
    }
    return body
  }

  // ---- token helpers ----

  #peek(ahead = 0): Token {
    const t = this.#tokens[Math.min(this.#pos + ahead, this.#tokens.length - 1)]
    if (t === undefined) throw new SyntaxFailure(true)
    return t
  }

  #at(kind: Token['kind'], text?: string): boolean {
    const t = this.#peek()
    return t.kind === kind && (text === undefined || t.text === text)
  }

  #isPunct(text: string): boolean {
    return this.#at('punct', text)
  }

  #isKeyword(text: string): boolean {
    return this.#at('keyword', text)
  }

  #next(): Token {
    const t = this.#peek()
    if (t.kind !== 'eof') this.#pos++
    return t
  }

  #expectPunct(text: string, context: string): Token {
    if (this.#isPunct(text)) return this.#next()
    return this.#fail(`expected '${text}' ${context}, found ${describe(this.#peek())}`)
  }

  #fail(message: string, at: Token = this.#peek()): never {
    this.#report(message, at.span)
    throw new SyntaxFailure(false)
  }

  #report(message: string, span: Span): void {
    const last = this.#diags[this.#diags.length - 1]
    // One message per position is enough; recovery can otherwise repeat itself.
    if (last?.line === span.line && last.col === span.col) return
    const t = this.#tokens.find((x) => x.span.offset === span.offset && x.kind === 'error')
    const msg = t === undefined ? message : t.text
    this.#diags.push({ severity: 'error', line: span.line, col: span.col, length: span.length, message: msg })
  }

  #node<T>(n: T): T {
    this.nodeCount++
    if (this.nodeCount > this.#limits.maxAstNodes) {
      this.#report(`rule is too large (more than ${this.#limits.maxAstNodes} syntax nodes)`, this.#peek().span)
      throw new SyntaxFailure(true)
    }
    return n
  }

  #enter(): void {
    this.#depth++
    if (this.#depth > this.#limits.maxDepth) {
      this.#report(`nesting is too deep (more than ${this.#limits.maxDepth} levels)`, this.#peek().span)
      throw new SyntaxFailure(true)
    }
  }

  #spanFrom(start: Span): Span {
    const prev = this.#tokens[this.#pos - 1]
    const end = prev === undefined ? start.offset + start.length : prev.span.offset + prev.span.length
    return { line: start.line, col: start.col, offset: start.offset, length: Math.max(1, end - start.offset) }
  }

  // ---- statements ----

  /** Parses a statement; on error skips to a resynchronisation point and returns null. */
  #statementOrRecover(topLevel: boolean): Stmt | null | 'fatal' {
    const depthBefore = this.#depth
    try {
      return this.#statement(topLevel)
    } catch (e: unknown) {
      this.#depth = depthBefore
      if (!(e instanceof SyntaxFailure)) {
        // A defect in the parser must not escape: report it at the current token.
        this.#report(`internal parser error: ${String(e)}`, this.#peek().span)
        return 'fatal'
      }
      if (e.fatal) return 'fatal'
      this.#synchronise()
      return null
    }
  }

  #synchronise(): void {
    for (;;) {
      const t = this.#peek()
      if (t.kind === 'eof') return
      if (t.kind === 'punct' && t.text === ';') {
        this.#pos++
        return
      }
      if (t.kind === 'punct' && (t.text === '}' || t.text === '{')) {
        if (t.text === '}') this.#pos++
        return
      }
      if (t.kind === 'keyword' && ['if', 'while', 'for', 'foreach', 'switch', 'sub', 'import', 'do', 'return'].includes(t.text)) return
      this.#pos++
    }
  }

  #statement(topLevel: boolean): Stmt {
    this.#enter()
    try {
      return this.#statementInner(topLevel)
    } finally {
      this.#depth--
    }
  }

  #statementInner(topLevel: boolean): Stmt {
    const t = this.#peek()
    const start = t.span
    if (t.kind === 'punct' && t.text === '{') return this.#block()
    if (t.kind === 'punct' && t.text === ';') {
      this.#next()
      return this.#node({ kind: 'empty', span: start })
    }
    if (t.kind === 'keyword') {
      switch (t.text) {
        case 'if': {
          this.#next()
          const test = this.#parenExpr('after "if"')
          const then = this.#statement(false)
          let otherwise: Stmt | null = null
          if (this.#isKeyword('else')) {
            this.#next()
            otherwise = this.#statement(false)
          }
          return this.#node({ kind: 'if', span: this.#spanFrom(start), test, then, else: otherwise })
        }
        case 'while': {
          this.#next()
          const test = this.#parenExpr('after "while"')
          const body = this.#statement(false)
          return this.#node({ kind: 'while', span: this.#spanFrom(start), test, body })
        }
        case 'do': {
          this.#next()
          const body = this.#statement(false)
          if (!this.#isKeyword('while')) this.#fail(`expected "while" after the body of "do", found ${describe(this.#peek())}`)
          this.#next()
          const test = this.#parenExpr('after "while"')
          this.#expectPunct(';', 'after "do ... while (...)"')
          return this.#node({ kind: 'do', span: this.#spanFrom(start), body, test })
        }
        case 'for':
          return this.#forStatement(start)
        case 'foreach':
          return this.#foreachStatement(start)
        case 'switch':
          return this.#switchStatement(start)
        case 'break':
        case 'continue': {
          this.#next()
          this.#expectPunct(';', `after "${t.text}"`)
          return this.#node({ kind: t.text, span: start })
        }
        case 'return': {
          this.#next()
          const value = this.#isPunct(';') ? null : this.#expression()
          this.#expectPunct(';', 'after "return"')
          return this.#node({ kind: 'return', span: this.#spanFrom(start), value })
        }
        case 'sub':
          if (!topLevel) this.#fail('subroutines may only be declared at the top level of a rule')
          return this.#subStatement(start)
        case 'import':
          if (!topLevel) this.#fail('"import" may only appear at the top level of a rule')
          return this.#importStatement(start)
        default:
          break
      }
    }
    const expr = this.#expression()
    this.#expectPunct(';', 'after expression')
    return this.#node({ kind: 'expr', span: this.#spanFrom(start), expr })
  }

  #block(): Stmt {
    const open = this.#next()
    const body = this.#statementsUntilBrace()
    return this.#node({ kind: 'block', span: this.#spanFrom(open.span), body })
  }

  #statementsUntilBrace(): Stmt[] {
    const body: Stmt[] = []
    for (;;) {
      if (this.#isPunct('}')) {
        this.#next()
        return body
      }
      if (this.#at('eof')) this.#fail("expected '}' before end of rule")
      const before = this.#pos
      const s = this.#statementOrRecover(false)
      if (s === 'fatal') throw new SyntaxFailure(true)
      if (s !== null) body.push(s)
      if (this.#pos === before) this.#pos++
    }
  }

  #parenExpr(context: string): Expr {
    this.#expectPunct('(', context)
    const e = this.#expression()
    this.#expectPunct(')', 'to close the condition')
    return e
  }

  #forStatement(start: Span): Stmt {
    this.#next()
    this.#expectPunct('(', 'after "for"')
    const init = this.#isPunct(';') ? null : this.#expression()
    this.#expectPunct(';', 'after the initialiser of "for"')
    const test = this.#isPunct(';') ? null : this.#expression()
    this.#expectPunct(';', 'after the condition of "for"')
    const step = this.#isPunct(')') ? null : this.#expression()
    this.#expectPunct(')', 'to close "for (...)"')
    const body = this.#statement(false)
    return this.#node({ kind: 'for', span: this.#spanFrom(start), init, test, step, body })
  }

  #foreachStatement(start: Span): Stmt {
    this.#next()
    this.#expectPunct('(', 'after "foreach"')
    const v = this.#peek()
    if (v.kind !== 'var') this.#fail(`expected a variable after "foreach (", found ${describe(v)}`)
    this.#next()
    if (!this.#isKeyword('in')) this.#fail(`expected "in" after the loop variable, found ${describe(this.#peek())}`)
    this.#next()
    const iterable = this.#expression()
    this.#expectPunct(')', 'to close "foreach (...)"')
    const body = this.#statement(false)
    return this.#node({ kind: 'foreach', span: this.#spanFrom(start), variable: v.text, iterable, body })
  }

  #switchStatement(start: Span): Stmt {
    this.#next()
    this.#expectPunct('(', 'after "switch"')
    const subject = this.#expression()
    let compare: { name: string; span: Span } | null = null
    if (this.#isPunct(',')) {
      this.#next()
      const f = this.#peek()
      if (f.kind !== 'ident') this.#fail(`expected the name of a comparison function, found ${describe(f)}`)
      this.#next()
      compare = { name: f.text, span: f.span }
    }
    this.#expectPunct(')', 'to close "switch (...)"')
    this.#expectPunct('{', 'to open the body of "switch"')
    const cases: SwitchCase[] = []
    let sawDefault = false
    while (!this.#isPunct('}')) {
      const c = this.#peek()
      if (c.kind === 'keyword' && c.text === 'case') {
        this.#next()
        const values: Expr[] = [this.#expression()]
        while (this.#isPunct(',')) {
          this.#next()
          values.push(this.#expression())
        }
        this.#expectPunct(':', 'after the case values')
        cases.push({ values, isDefault: false, body: this.#caseBody(), span: c.span })
      } else if (c.kind === 'keyword' && c.text === 'default') {
        this.#next()
        if (sawDefault) this.#report('a switch may only have one "default"', c.span)
        sawDefault = true
        this.#expectPunct(':', 'after "default"')
        cases.push({ values: [], isDefault: true, body: this.#caseBody(), span: c.span })
      } else {
        this.#fail(`expected "case", "default" or '}' in switch, found ${describe(c)}`)
      }
    }
    this.#next()
    return this.#node({ kind: 'switch', span: this.#spanFrom(start), subject, compare, cases })
  }

  #caseBody(): Stmt[] {
    const body: Stmt[] = []
    for (;;) {
      const t = this.#peek()
      if (t.kind === 'eof') this.#fail("expected '}' to close the switch before end of rule")
      if ((t.kind === 'punct' && t.text === '}') || (t.kind === 'keyword' && (t.text === 'case' || t.text === 'default'))) return body
      const before = this.#pos
      const s = this.#statementOrRecover(false)
      if (s === 'fatal') throw new SyntaxFailure(true)
      if (s !== null) body.push(s)
      if (this.#pos === before) this.#pos++
    }
  }

  #subStatement(start: Span): Stmt {
    this.#next()
    const name = this.#peek()
    if (name.kind !== 'ident') this.#fail(`expected a subroutine name after "sub", found ${describe(name)}`)
    if (name.text.includes('.')) this.#fail('subroutine names may not contain "."', name)
    this.#next()
    this.#expectPunct('(', 'after the subroutine name')
    const params: string[] = []
    if (!this.#isPunct(')')) {
      for (;;) {
        const v = this.#peek()
        if (v.kind !== 'var') this.#fail(`expected a parameter variable, found ${describe(v)}`)
        this.#next()
        if (params.includes(v.text)) this.#report(`parameter $${v.text} is declared twice`, v.span)
        params.push(v.text)
        if (!this.#isPunct(',')) break
        this.#next()
      }
    }
    this.#expectPunct(')', 'to close the parameter list')
    if (!this.#isPunct('{')) this.#fail(`expected '{' to open the body of sub ${name.text}, found ${describe(this.#peek())}`)
    this.#next()
    const body = this.#statementsUntilBrace()
    return this.#node({ kind: 'sub', span: this.#spanFrom(start), name: name.text, params, body })
  }

  #importStatement(start: Span): Stmt {
    this.#next()
    const r = this.#peek()
    if (r.kind !== 'ident' && r.kind !== 'str') this.#fail(`expected a rule name after "import", found ${describe(r)}`)
    this.#next()
    let alias = r.text
    if (this.#isKeyword('as')) {
      this.#next()
      const a = this.#peek()
      if (a.kind !== 'ident' || a.text.includes('.')) this.#fail(`expected a simple name after "as", found ${describe(a)}`)
      this.#next()
      alias = a.text
    } else if (r.kind === 'str' && !/^[A-Za-z_][A-Za-z0-9_.]*$/.test(r.text)) {
      this.#fail(`import of "${r.text}" needs "as NAME", since the rule name is not a valid identifier`, r)
    }
    this.#expectPunct(';', 'after import')
    return this.#node({ kind: 'import', span: this.#spanFrom(start), rule: r.text, alias })
  }

  // ---- expressions ----

  #expression(): Expr {
    this.#enter()
    try {
      return this.#conditional()
    } finally {
      this.#depth--
    }
  }

  #conditional(): Expr {
    const test = this.#binary(1)
    if (!this.#isPunct('?')) return test
    this.#next()
    const then = this.#expression()
    this.#expectPunct(':', 'in conditional expression')
    const otherwise = this.#expression()
    return this.#node({ kind: 'cond', span: this.#spanFrom(test.span), test, then, else: otherwise })
  }

  #binary(minPrec: number): Expr {
    let left = this.#unary()
    for (;;) {
      const t = this.#peek()
      if (t.kind !== 'punct') return left
      const prec = BINARY_PRECEDENCE[t.text]
      if (prec === undefined || prec < minPrec) return left
      this.#next()
      this.#enter()
      const right = this.#binary(prec + 1)
      this.#depth--
      const span = this.#spanFrom(left.span)
      if (t.text === '&&' || t.text === '||') {
        left = this.#node({ kind: 'logical', span, op: t.text, left, right })
      } else {
        left = this.#node({ kind: 'binary', span, op: t.text as BinaryOp, left, right })
      }
    }
  }

  #unary(): Expr {
    const t = this.#peek()
    if (t.kind === 'punct' && (t.text === '!' || t.text === '~' || t.text === '-' || t.text === '+')) {
      this.#next()
      this.#enter()
      const operand = this.#unary()
      this.#depth--
      if (t.text === '-' && (operand.kind === 'int' || operand.kind === 'dbl')) {
        return this.#node({ kind: operand.kind, span: this.#spanFrom(t.span), value: -operand.value })
      }
      return this.#node({ kind: 'unary', span: this.#spanFrom(t.span), op: t.text, operand })
    }
    if (t.kind === 'punct' && (t.text === '++' || t.text === '--')) {
      this.#next()
      const target = this.#postfix()
      if (target.kind !== 'var' && target.kind !== 'index') this.#fail(`"${t.text}" needs a variable`, t)
      return this.#node({ kind: 'update', span: this.#spanFrom(t.span), op: t.text, prefix: true, target })
    }
    return this.#postfix()
  }

  #postfix(): Expr {
    let e = this.#primary()
    for (;;) {
      if (this.#isPunct('[')) {
        this.#next()
        const index = this.#expression()
        this.#expectPunct(']', 'to close the index')
        e = this.#node({ kind: 'index', span: this.#spanFrom(e.span), target: e, index })
        continue
      }
      break
    }
    const t = this.#peek()
    if (e.kind === 'var' || e.kind === 'index') {
      if (t.kind === 'punct' && (t.text === '++' || t.text === '--')) {
        this.#next()
        return this.#node({ kind: 'update', span: this.#spanFrom(e.span), op: t.text, prefix: false, target: e })
      }
      // Assignment binds to the nearest variable and takes the rest of the expression, so that
      // `!$p = f()` is `!($p = f())` and `$a && $b = f()` is `$a && ($b = f())`.
      if (t.kind === 'punct' && ASSIGN_OPS.has(t.text)) {
        this.#next()
        const value = this.#expression()
        return this.#node({ kind: 'assign', span: this.#spanFrom(e.span), op: t.text as AssignOp, target: e, value })
      }
    }
    return e
  }

  #primary(): Expr {
    const t = this.#next()
    switch (t.kind) {
      case 'int':
        return this.#node({ kind: 'int', span: t.span, value: t.num })
      case 'dbl':
        return this.#node({ kind: 'dbl', span: t.span, value: t.num })
      case 'str':
        return this.#node({ kind: 'str', span: t.span, value: t.text })
      case 'var':
        return this.#node({ kind: 'var', span: t.span, name: t.text })
      case 'keyword':
        if (t.text === 'true' || t.text === 'false') {
          return this.#node({ kind: 'int', span: t.span, value: t.text === 'true' ? 1 : 0 })
        }
        return this.#unexpected(t)
      case 'ident':
        return this.#call(t)
      case 'punct':
        if (t.text === '(') {
          const e = this.#expression()
          this.#expectPunct(')', 'to close the parenthesis')
          return e
        }
        if (t.text === '[') return this.#arrayOrHash(t)
        return this.#unexpected(t)
      case 'error':
      case 'eof':
        return this.#unexpected(t)
    }
  }

  /** Reports an unexpected token without consuming it, so recovery can resynchronise on it. */
  #unexpected(t: Token): never {
    if (t.kind !== 'eof') this.#pos--
    if (t.kind === 'error') return this.#fail(t.text, t)
    return this.#fail(t.kind === 'eof' ? 'unexpected end of rule in expression' : `unexpected ${describe(t)} in expression`, t)
  }

  #call(name: Token): Expr {
    if (!this.#isPunct('(')) this.#fail(`expected '(' after function name ${name.text}, found ${describe(this.#peek())}`)
    this.#next()
    const args: Expr[] = []
    if (!this.#isPunct(')')) {
      for (;;) {
        args.push(this.#expression())
        if (args.length > this.#limits.maxCallArguments) this.#fail(`too many arguments (more than ${this.#limits.maxCallArguments})`)
        if (!this.#isPunct(',')) break
        this.#next()
      }
    }
    this.#expectPunct(')', `to close the arguments of ${name.text}`)
    return this.#node({ kind: 'call', span: this.#spanFrom(name.span), name: name.text, args })
  }

  #arrayOrHash(open: Token): Expr {
    const items: Expr[] = []
    const entries: { key: Expr; value: Expr }[] = []
    let isHash: boolean | null = null
    while (!this.#isPunct(']')) {
      const first = this.#expression()
      const isPair = this.#isPunct('=>')
      if (isHash === null) isHash = isPair
      else if (isHash !== isPair) this.#fail('cannot mix "key => value" pairs and plain values in one literal', this.#peek())
      if (isPair) {
        this.#next()
        entries.push({ key: first, value: this.#expression() })
      } else {
        items.push(first)
      }
      if (!this.#isPunct(',')) break
      this.#next()
    }
    this.#expectPunct(']', 'to close the array or hash')
    const span = this.#spanFrom(open.span)
    if (isHash === true) return this.#node({ kind: 'hash', span, entries })
    return this.#node({ kind: 'array', span, items })
  }
}

function describe(t: Token): string {
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
