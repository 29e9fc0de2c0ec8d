/**
 * Finds which subs may suspend (call, directly or through other subs, a library function that
 * may return a Promise), so everything else is compiled to plain synchronous closures.
 * @module
 */
import type { Expr, Stmt } from './ast.ts'
import type { UnitInfo } from './compile-context.ts'
import { resolveCall } from './compile-context.ts'
import type { FunctionRegistry } from './registry.ts'

function exprCalls(e: Expr, visit: (name: string) => boolean): boolean {
  switch (e.kind) {
    case 'str':
    case 'int':
    case 'dbl':
    case 'var':
      return false
    case 'array':
    case 'seq':
      return e.items.some((x) => exprCalls(x, visit))
    case 'hash':
      return e.entries.some((x) => exprCalls(x.key, visit) || exprCalls(x.value, visit))
    case 'index':
      return exprCalls(e.target, visit) || exprCalls(e.index, visit)
    case 'call':
      return visit(e.name) || e.args.some((x) => exprCalls(x, visit))
    case 'unary':
      return exprCalls(e.operand, visit)
    case 'update':
      return exprCalls(e.target, visit)
    case 'binary':
    case 'logical':
      return exprCalls(e.left, visit) || exprCalls(e.right, visit)
    case 'cond':
      return exprCalls(e.test, visit) || exprCalls(e.then, visit) || exprCalls(e.else, visit)
    case 'assign':
      return exprCalls(e.target, visit) || exprCalls(e.value, visit)
  }
}

/** Whether a statement contains a call for which `visit` returns true (subs bodies excluded). */
export function stmtCalls(st: Stmt, visit: (name: string) => boolean): boolean {
  const ex = (e: Expr | null): boolean => e !== null && exprCalls(e, visit)
  switch (st.kind) {
    case 'expr':
      return ex(st.expr)
    case 'block':
      return st.body.some((x) => stmtCalls(x, visit))
    case 'if':
      return ex(st.test) || stmtCalls(st.then, visit) || (st.else !== null && stmtCalls(st.else, visit))
    case 'while':
    case 'do':
      return ex(st.test) || stmtCalls(st.body, visit)
    case 'for':
      return ex(st.init) || ex(st.test) || ex(st.step) || stmtCalls(st.body, visit)
    case 'foreach':
      return ex(st.iterable) || stmtCalls(st.body, visit)
    case 'switch':
      return ex(st.subject) || (st.compare !== null && visit(st.compare.name)) ||
        st.cases.some((c) => c.values.some((v) => ex(v)) || c.body.some((x) => stmtCalls(x, visit)))
    case 'return':
      return ex(st.value)
    case 'break':
    case 'continue':
    case 'sub':
    case 'import':
    case 'empty':
      return false
  }
}

/** Sets `isAsync` on every sub of every unit, iterating to a fixpoint (recursion, imports). */
export function markAsyncSubs(units: ReadonlyMap<string, UnitInfo>, registry: FunctionRegistry): void {
  let changed = true
  while (changed) {
    changed = false
    for (const unit of units.values()) {
      const suspends = (name: string): boolean => {
        const r = resolveCall(unit, units, registry, name)
        if (r.kind === 'builtin') return r.def.suspends === true
        if (r.kind === 'sub') return r.info.isAsync
        return false
      }
      for (const sub of unit.subs.values()) {
        if (sub.isAsync) continue
        if (sub.decl.body.some((st) => stmtCalls(st, suspends))) {
          sub.isAsync = true
          changed = true
        }
      }
    }
  }
}
