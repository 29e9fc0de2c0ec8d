/**
 * Expression parsing: precedence climbing over the C-like operator table, with assignment bound
 * to the nearest variable.
 * @module
 */
import type { AssignOp, BinaryOp, Expr } from './ast.ts'
import type { Token } from './lexer.ts'
import type { TokenCursor } from './parse-cursor.ts'
import { describe } from './parse-cursor.ts'

const ASSIGN_OPS: ReadonlySet<string> = new Set([
  '=', '+=', '-=', '*=', '/=', '%=', '.=', '&=', '|=', '^=', '<<=', '>>=',
])

const BINARY_PRECEDENCE: Readonly<Record<string, number>> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6,
  '<': 7, '<=': 7, '>': 7, '>=': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '.': 9,
  '*': 10, '/': 10, '%': 10,
}

export class ExprParser {
  readonly #c: TokenCursor

  constructor(cursor: TokenCursor) {
    this.#c = cursor
  }

  expression(): Expr {
    this.#c.enter()
    try {
      return this.#conditional()
    } finally {
      this.#c.depth--
    }
  }

  #conditional(): Expr {
    const test = this.#binary(1)
    if (!this.#c.isPunct('?')) return test
    this.#c.next()
    const then = this.expression()
    this.#c.expectPunct(':', 'in conditional expression')
    const otherwise = this.expression()
    return this.#c.node({ kind: 'cond', span: this.#c.spanFrom(test.span), test, then, else: otherwise })
  }

  #binary(minPrec: number): Expr {
    let left = this.#unary()
    for (;;) {
      const t = this.#c.peek()
      if (t.kind !== 'punct') return left
      const prec = BINARY_PRECEDENCE[t.text]
      if (prec === undefined || prec < minPrec) return left
      this.#c.next()
      this.#c.enter()
      const right = this.#binary(prec + 1)
      this.#c.depth--
      const span = this.#c.spanFrom(left.span)
      if (t.text === '&&' || t.text === '||') {
        left = this.#c.node({ kind: 'logical', span, op: t.text, left, right })
      } else {
        left = this.#c.node({ kind: 'binary', span, op: t.text as BinaryOp, left, right })
      }
    }
  }

  #unary(): Expr {
    const t = this.#c.peek()
    if (t.kind === 'punct' && (t.text === '!' || t.text === '~' || t.text === '-' || t.text === '+')) {
      this.#c.next()
      this.#c.enter()
      const operand = this.#unary()
      this.#c.depth--
      if (t.text === '-' && (operand.kind === 'int' || operand.kind === 'dbl')) {
        return this.#c.node({ kind: operand.kind, span: this.#c.spanFrom(t.span), value: -operand.value })
      }
      return this.#c.node({ kind: 'unary', span: this.#c.spanFrom(t.span), op: t.text, operand })
    }
    if (t.kind === 'punct' && (t.text === '++' || t.text === '--')) {
      this.#c.next()
      const target = this.#postfix()
      if (target.kind !== 'var' && target.kind !== 'index') this.#c.fail(`"${t.text}" needs a variable`, t)
      return this.#c.node({ kind: 'update', span: this.#c.spanFrom(t.span), op: t.text, prefix: true, target })
    }
    return this.#postfix()
  }

  #postfix(): Expr {
    let e = this.#primary()
    for (;;) {
      if (this.#c.isPunct('[')) {
        this.#c.next()
        const index = this.expression()
        this.#c.expectPunct(']', 'to close the index')
        e = this.#c.node({ kind: 'index', span: this.#c.spanFrom(e.span), target: e, index })
        continue
      }
      break
    }
    const t = this.#c.peek()
    if (e.kind === 'var' || e.kind === 'index') {
      if (t.kind === 'punct' && (t.text === '++' || t.text === '--')) {
        this.#c.next()
        return this.#c.node({ kind: 'update', span: this.#c.spanFrom(e.span), op: t.text, prefix: false, target: e })
      }
      // Assignment binds to the nearest variable and takes the rest of the expression, so that
      // `!$p = f()` is `!($p = f())` and `$a && $b = f()` is `$a && ($b = f())`.
      if (t.kind === 'punct' && ASSIGN_OPS.has(t.text)) {
        this.#c.next()
        const value = this.expression()
        return this.#c.node({ kind: 'assign', span: this.#c.spanFrom(e.span), op: t.text as AssignOp, target: e, value })
      }
    }
    return e
  }

  #primary(): Expr {
    const t = this.#c.next()
    switch (t.kind) {
      case 'int':
        return this.#c.node({ kind: 'int', span: t.span, value: t.num })
      case 'dbl':
        return this.#c.node({ kind: 'dbl', span: t.span, value: t.num })
      case 'str':
        return this.#c.node({ kind: 'str', span: t.span, value: t.text })
      case 'var':
        return this.#c.node({ kind: 'var', span: t.span, name: t.text })
      case 'keyword':
        if (t.text === 'true' || t.text === 'false') {
          return this.#c.node({ kind: 'int', span: t.span, value: t.text === 'true' ? 1 : 0 })
        }
        return this.#c.unexpected(t)
      case 'ident':
        return this.#call(t)
      case 'punct':
        if (t.text === '(') {
          const e = this.expression()
          this.#c.expectPunct(')', 'to close the parenthesis')
          return e
        }
        if (t.text === '[') return this.#arrayOrHash(t)
        return this.#c.unexpected(t)
      case 'error':
      case 'eof':
        return this.#c.unexpected(t)
    }
  }


  #call(name: Token): Expr {
    if (!this.#c.isPunct('(')) this.#c.fail(`expected '(' after function name ${name.text}, found ${describe(this.#c.peek())}`)
    this.#c.next()
    const args: Expr[] = []
    if (!this.#c.isPunct(')')) {
      for (;;) {
        args.push(this.expression())
        if (args.length > this.#c.limits.maxCallArguments) this.#c.fail(`too many arguments (more than ${this.#c.limits.maxCallArguments})`)
        if (!this.#c.isPunct(',')) break
        this.#c.next()
      }
    }
    this.#c.expectPunct(')', `to close the arguments of ${name.text}`)
    return this.#c.node({ kind: 'call', span: this.#c.spanFrom(name.span), name: name.text, args })
  }

  #arrayOrHash(open: Token): Expr {
    const items: Expr[] = []
    const entries: { key: Expr; value: Expr }[] = []
    let isHash: boolean | null = null
    while (!this.#c.isPunct(']')) {
      const first = this.expression()
      const isPair = this.#c.isPunct('=>')
      if (isHash === null) isHash = isPair
      else if (isHash !== isPair) this.#c.fail('cannot mix "key => value" pairs and plain values in one literal', this.#c.peek())
      if (isPair) {
        this.#c.next()
        entries.push({ key: first, value: this.expression() })
      } else {
        items.push(first)
      }
      if (!this.#c.isPunct(',')) break
      this.#c.next()
    }
    this.#c.expectPunct(']', 'to close the array or hash')
    const span = this.#c.spanFrom(open.span)
    if (isHash === true) return this.#c.node({ kind: 'hash', span, entries })
    return this.#c.node({ kind: 'array', span, items })
  }
}
