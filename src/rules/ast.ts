/**
 * The TrafficScript syntax tree: every node carries the span of source it came from.
 * @module
 */

/** Where a node or token sits in its rule: 1-based line and column, 0-based offset. */
export interface Span {
  readonly line: number
  readonly col: number
  readonly offset: number
  readonly length: number
}

/** Binary operators, spelled as in source. */
export type BinaryOp =
  | '*' | '/' | '%' | '+' | '-' | '.' | '<<' | '>>'
  | '<' | '<=' | '>' | '>=' | '==' | '!=' | '&' | '^' | '|'

/** Assignment operators; `=` plain, the others compound. */
export type AssignOp =
  | '=' | '+=' | '-=' | '*=' | '/=' | '%=' | '.=' | '&=' | '|=' | '^=' | '<<=' | '>>='

export type Expr =
  | { readonly kind: 'str'; readonly span: Span; readonly value: string }
  | { readonly kind: 'int'; readonly span: Span; readonly value: number }
  | { readonly kind: 'dbl'; readonly span: Span; readonly value: number }
  | { readonly kind: 'var'; readonly span: Span; readonly name: string }
  | { readonly kind: 'array'; readonly span: Span; readonly items: readonly Expr[] }
  | {
      readonly kind: 'hash'
      readonly span: Span
      readonly entries: readonly { readonly key: Expr; readonly value: Expr }[]
    }
  | { readonly kind: 'index'; readonly span: Span; readonly target: Expr; readonly index: Expr }
  | { readonly kind: 'call'; readonly span: Span; readonly name: string; readonly args: readonly Expr[] }
  | { readonly kind: 'unary'; readonly span: Span; readonly op: '!' | '~' | '-' | '+'; readonly operand: Expr }
  | { readonly kind: 'update'; readonly span: Span; readonly op: '++' | '--'; readonly prefix: boolean; readonly target: Expr }
  | { readonly kind: 'binary'; readonly span: Span; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'logical'; readonly span: Span; readonly op: '&&' | '||'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'cond'; readonly span: Span; readonly test: Expr; readonly then: Expr; readonly else: Expr }
  | { readonly kind: 'assign'; readonly span: Span; readonly op: AssignOp; readonly target: Expr; readonly value: Expr }
  /** `a, b, c` at statement level and in `for` clauses: each in turn; the value is the last. */
  | { readonly kind: 'seq'; readonly span: Span; readonly items: readonly Expr[] }

export interface SwitchCase {
  /** Empty for `default:`. */
  readonly values: readonly Expr[]
  readonly isDefault: boolean
  readonly body: readonly Stmt[]
  readonly span: Span
}

export type Stmt =
  | { readonly kind: 'expr'; readonly span: Span; readonly expr: Expr }
  | { readonly kind: 'block'; readonly span: Span; readonly body: readonly Stmt[] }
  | { readonly kind: 'if'; readonly span: Span; readonly test: Expr; readonly then: Stmt; readonly else: Stmt | null }
  | { readonly kind: 'while'; readonly span: Span; readonly test: Expr; readonly body: Stmt }
  | { readonly kind: 'do'; readonly span: Span; readonly body: Stmt; readonly test: Expr }
  | {
      readonly kind: 'for'
      readonly span: Span
      readonly init: Expr | null
      readonly test: Expr | null
      readonly step: Expr | null
      readonly body: Stmt
    }
  | { readonly kind: 'foreach'; readonly span: Span; readonly variable: string; readonly iterable: Expr; readonly body: Stmt }
  | {
      readonly kind: 'switch'
      readonly span: Span
      readonly subject: Expr
      /** Name of a two-argument comparison function, or null for `==`. */
      readonly compare: { readonly name: string; readonly span: Span } | null
      readonly cases: readonly SwitchCase[]
    }
  | { readonly kind: 'break'; readonly span: Span }
  | { readonly kind: 'continue'; readonly span: Span }
  | { readonly kind: 'return'; readonly span: Span; readonly value: Expr | null }
  | { readonly kind: 'sub'; readonly span: Span; readonly name: string; readonly params: readonly string[]; readonly body: readonly Stmt[] }
  | { readonly kind: 'import'; readonly span: Span; readonly rule: string; readonly alias: string }
  | { readonly kind: 'empty'; readonly span: Span }

/** A parsed rule: its statements, in order. Subs and imports are statements too. */
export interface Program {
  readonly body: readonly Stmt[]
  /** Number of nodes created, for the parse limit. */
  readonly nodeCount: number
}
