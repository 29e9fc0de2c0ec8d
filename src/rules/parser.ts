/**
 * Hand-written recursive-descent parser for TrafficScript. It never throws: every problem becomes
 * a diagnostic with a position, and parsing resumes at the next statement so that all errors are
 * reported at once.
 * @module
 */
import type { Expr, Program, Span, Stmt, SwitchCase } from './ast.ts'
import type { RawDiagnostic } from './diagnostic.ts'
import { lex } from './lexer.ts'
import { TokenCursor, SyntaxFailure, describe } from './parse-cursor.ts'
import type { ParseLimits } from './parse-cursor.ts'
import { ExprParser } from './parse-expr.ts'

export type { ParseLimits } from './parse-cursor.ts'

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

/** Parses one rule. Always returns a program (possibly partial) and every diagnostic found. */
export function parse(source: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): ParseResult {
  const diagnostics: RawDiagnostic[] = []
  if (source.length > limits.maxSourceChars) {
    diagnostics.push({ severity: 'error', line: 1, col: 1, length: 1, message: `rule is longer than ${limits.maxSourceChars} characters` })
    return { program: { body: [], nodeCount: 0 }, diagnostics }
  }
  const cursor = new TokenCursor(lex(source), limits, diagnostics)
  const body = new Parser(cursor).parseProgram()
  return { program: { body, nodeCount: cursor.nodeCount }, diagnostics }
}

class Parser {
  readonly #c: TokenCursor
  readonly #e: ExprParser

  constructor(cursor: TokenCursor) {
    this.#c = cursor
    this.#e = new ExprParser(cursor)
  }

  parseProgram(): Stmt[] {
    const body: Stmt[] = []
    while (!this.#c.at('eof')) {
      const before = this.#c.pos
      const s = this.#statementOrRecover(true)
      if (s === 'fatal') break
      if (s !== null) body.push(s)
      if (this.#c.pos === before) this.#c.pos++
    }
    return body
  }

  /** Parses a statement; on error skips to a resynchronisation point and returns null. */
  #statementOrRecover(topLevel: boolean): Stmt | null | 'fatal' {
    const depthBefore = this.#c.depth
    try {
      return this.#statement(topLevel)
    } catch (e: unknown) {
      this.#c.depth = depthBefore
      if (!(e instanceof SyntaxFailure)) {
        // A defect in the parser must not escape: report it at the current token.
        this.#c.report(`internal parser error: ${String(e)}`, this.#c.peek().span)
        return 'fatal'
      }
      if (e.fatal) return 'fatal'
      this.#synchronise()
      return null
    }
  }

  #synchronise(): void {
    for (;;) {
      const t = this.#c.peek()
      if (t.kind === 'eof') return
      if (t.kind === 'punct' && t.text === ';') {
        this.#c.pos++
        return
      }
      if (t.kind === 'punct' && (t.text === '}' || t.text === '{')) {
        if (t.text === '}') this.#c.pos++
        return
      }
      if (t.kind === 'keyword' && ['if', 'while', 'for', 'foreach', 'switch', 'sub', 'import', 'do', 'return'].includes(t.text)) return
      this.#c.pos++
    }
  }

  #statement(topLevel: boolean): Stmt {
    this.#c.enter()
    try {
      return this.#statementInner(topLevel)
    } finally {
      this.#c.depth--
    }
  }

  #statementInner(topLevel: boolean): Stmt {
    const t = this.#c.peek()
    const start = t.span
    if (t.kind === 'punct' && t.text === '{') return this.#block()
    if (t.kind === 'punct' && t.text === ';') {
      this.#c.next()
      return this.#c.node({ kind: 'empty', span: start })
    }
    if (t.kind === 'keyword') {
      switch (t.text) {
        case 'if': {
          this.#c.next()
          const test = this.#parenExpr('after "if"')
          const then = this.#statement(false)
          let otherwise: Stmt | null = null
          if (this.#c.isKeyword('else')) {
            this.#c.next()
            otherwise = this.#statement(false)
          }
          return this.#c.node({ kind: 'if', span: this.#c.spanFrom(start), test, then, else: otherwise })
        }
        case 'while': {
          this.#c.next()
          const test = this.#parenExpr('after "while"')
          const body = this.#statement(false)
          return this.#c.node({ kind: 'while', span: this.#c.spanFrom(start), test, body })
        }
        case 'do': {
          this.#c.next()
          const body = this.#statement(false)
          if (!this.#c.isKeyword('while')) this.#c.fail(`expected "while" after the body of "do", found ${describe(this.#c.peek())}`)
          this.#c.next()
          const test = this.#parenExpr('after "while"')
          this.#c.expectPunct(';', 'after "do ... while (...)"')
          return this.#c.node({ kind: 'do', span: this.#c.spanFrom(start), body, test })
        }
        case 'for':
          return this.#forStatement(start)
        case 'foreach':
          return this.#foreachStatement(start)
        case 'switch':
          return this.#switchStatement(start)
        case 'break':
        case 'continue': {
          this.#c.next()
          this.#c.expectPunct(';', `after "${t.text}"`)
          return this.#c.node({ kind: t.text, span: start })
        }
        case 'return': {
          this.#c.next()
          const value = this.#c.isPunct(';') ? null : this.#e.expression()
          this.#c.expectPunct(';', 'after "return"')
          return this.#c.node({ kind: 'return', span: this.#c.spanFrom(start), value })
        }
        case 'sub':
          if (!topLevel) this.#c.fail('subroutines may only be declared at the top level of a rule')
          return this.#subStatement(start)
        case 'import':
          if (!topLevel) this.#c.fail('"import" may only appear at the top level of a rule')
          return this.#importStatement(start)
        default:
          break
      }
    }
    const expr = this.#sequence()
    this.#c.expectPunct(';', 'after expression')
    return this.#c.node({ kind: 'expr', span: this.#c.spanFrom(start), expr })
  }

  /** One expression, or several separated by commas (`$a = 1, $b = 2`). */
  #sequence(): Expr {
    const first = this.#e.expression()
    if (!this.#c.isPunct(',')) return first
    const items: Expr[] = [first]
    while (this.#c.isPunct(',')) {
      this.#c.next()
      items.push(this.#e.expression())
    }
    return this.#c.node({ kind: 'seq', span: this.#c.spanFrom(first.span), items })
  }

  #block(): Stmt {
    const open = this.#c.next()
    const body = this.#statementsUntilBrace()
    return this.#c.node({ kind: 'block', span: this.#c.spanFrom(open.span), body })
  }

  #statementsUntilBrace(): Stmt[] {
    const body: Stmt[] = []
    for (;;) {
      if (this.#c.isPunct('}')) {
        this.#c.next()
        return body
      }
      if (this.#c.at('eof')) this.#c.fail("expected '}' before end of rule")
      const before = this.#c.pos
      const s = this.#statementOrRecover(false)
      if (s === 'fatal') throw new SyntaxFailure(true)
      if (s !== null) body.push(s)
      if (this.#c.pos === before) this.#c.pos++
    }
  }

  #parenExpr(context: string): Expr {
    this.#c.expectPunct('(', context)
    const e = this.#e.expression()
    this.#c.expectPunct(')', 'to close the condition')
    return e
  }

  #forStatement(start: Span): Stmt {
    this.#c.next()
    this.#c.expectPunct('(', 'after "for"')
    const init = this.#c.isPunct(';') ? null : this.#sequence()
    this.#c.expectPunct(';', 'after the initialiser of "for"')
    const test = this.#c.isPunct(';') ? null : this.#e.expression()
    this.#c.expectPunct(';', 'after the condition of "for"')
    const step = this.#c.isPunct(')') ? null : this.#sequence()
    this.#c.expectPunct(')', 'to close "for (...)"')
    const body = this.#statement(false)
    return this.#c.node({ kind: 'for', span: this.#c.spanFrom(start), init, test, step, body })
  }

  #foreachStatement(start: Span): Stmt {
    this.#c.next()
    this.#c.expectPunct('(', 'after "foreach"')
    const v = this.#c.peek()
    if (v.kind !== 'var') this.#c.fail(`expected a variable after "foreach (", found ${describe(v)}`)
    this.#c.next()
    if (!this.#c.isKeyword('in')) this.#c.fail(`expected "in" after the loop variable, found ${describe(this.#c.peek())}`)
    this.#c.next()
    const iterable = this.#e.expression()
    this.#c.expectPunct(')', 'to close "foreach (...)"')
    const body = this.#statement(false)
    return this.#c.node({ kind: 'foreach', span: this.#c.spanFrom(start), variable: v.text, iterable, body })
  }

  #switchStatement(start: Span): Stmt {
    this.#c.next()
    this.#c.expectPunct('(', 'after "switch"')
    const subject = this.#e.expression()
    let compare: { name: string; span: Span } | null = null
    if (this.#c.isPunct(',')) {
      this.#c.next()
      const f = this.#c.peek()
      if (f.kind !== 'ident') this.#c.fail(`expected the name of a comparison function, found ${describe(f)}`)
      this.#c.next()
      compare = { name: f.text, span: f.span }
    }
    this.#c.expectPunct(')', 'to close "switch (...)"')
    this.#c.expectPunct('{', 'to open the body of "switch"')
    const cases: SwitchCase[] = []
    let sawDefault = false
    while (!this.#c.isPunct('}')) {
      const c = this.#c.peek()
      if (c.kind === 'keyword' && c.text === 'case') {
        this.#c.next()
        const values: Expr[] = [this.#e.expression()]
        while (this.#c.isPunct(',')) {
          this.#c.next()
          values.push(this.#e.expression())
        }
        this.#c.expectPunct(':', 'after the case values')
        cases.push({ values, isDefault: false, body: this.#caseBody(), span: c.span })
      } else if (c.kind === 'keyword' && c.text === 'default') {
        this.#c.next()
        if (sawDefault) this.#c.report('a switch may only have one "default"', c.span)
        sawDefault = true
        this.#c.expectPunct(':', 'after "default"')
        cases.push({ values: [], isDefault: true, body: this.#caseBody(), span: c.span })
      } else {
        this.#c.fail(`expected "case", "default" or '}' in switch, found ${describe(c)}`)
      }
    }
    this.#c.next()
    return this.#c.node({ kind: 'switch', span: this.#c.spanFrom(start), subject, compare, cases })
  }

  #caseBody(): Stmt[] {
    const body: Stmt[] = []
    for (;;) {
      const t = this.#c.peek()
      if (t.kind === 'eof') this.#c.fail("expected '}' to close the switch before end of rule")
      if ((t.kind === 'punct' && t.text === '}') || (t.kind === 'keyword' && (t.text === 'case' || t.text === 'default'))) return body
      const before = this.#c.pos
      const s = this.#statementOrRecover(false)
      if (s === 'fatal') throw new SyntaxFailure(true)
      if (s !== null) body.push(s)
      if (this.#c.pos === before) this.#c.pos++
    }
  }

  #subStatement(start: Span): Stmt {
    this.#c.next()
    const name = this.#c.peek()
    if (name.kind !== 'ident') this.#c.fail(`expected a subroutine name after "sub", found ${describe(name)}`)
    if (name.text.includes('.')) this.#c.fail('subroutine names may not contain "."', name)
    this.#c.next()
    this.#c.expectPunct('(', 'after the subroutine name')
    const params: string[] = []
    if (!this.#c.isPunct(')')) {
      for (;;) {
        const v = this.#c.peek()
        if (v.kind !== 'var') this.#c.fail(`expected a parameter variable, found ${describe(v)}`)
        this.#c.next()
        if (params.includes(v.text)) this.#c.report(`parameter $${v.text} is declared twice`, v.span)
        params.push(v.text)
        if (!this.#c.isPunct(',')) break
        this.#c.next()
      }
    }
    this.#c.expectPunct(')', 'to close the parameter list')
    if (!this.#c.isPunct('{')) this.#c.fail(`expected '{' to open the body of sub ${name.text}, found ${describe(this.#c.peek())}`)
    this.#c.next()
    const body = this.#statementsUntilBrace()
    return this.#c.node({ kind: 'sub', span: this.#c.spanFrom(start), name: name.text, params, body })
  }

  #importStatement(start: Span): Stmt {
    this.#c.next()
    const r = this.#c.peek()
    if (r.kind !== 'ident' && r.kind !== 'str') this.#c.fail(`expected a rule name after "import", found ${describe(r)}`)
    this.#c.next()
    let alias = r.text
    if (this.#c.isKeyword('as')) {
      this.#c.next()
      const a = this.#c.peek()
      if (a.kind !== 'ident' || a.text.includes('.')) this.#c.fail(`expected a simple name after "as", found ${describe(a)}`)
      this.#c.next()
      alias = a.text
    } else if (r.kind === 'str' && !/^[A-Za-z_][A-Za-z0-9_.]*$/.test(r.text)) {
      this.#c.fail(`import of "${r.text}" needs "as NAME", since the rule name is not a valid identifier`, r)
    }
    this.#c.expectPunct(';', 'after import')
    return this.#c.node({ kind: 'import', span: this.#c.spanFrom(start), rule: r.text, alias })
  }
}
