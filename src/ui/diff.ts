/**
 * What a change will do, as a line diff of the stored document before and after (both as the
 * API's dry run returns them), shown before anything is applied.
 * @module
 */
import { h } from './dom.ts'

/** Pretty JSON with keys sorted, so the same document always reads the same. */
export function stableJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort)
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sort(x)]))
    return v
  }
  return value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(sort(value), null, 2)
}

type Line = { readonly kind: ' ' | '+' | '-'; readonly text: string }

/** Longest-common-subsequence line diff (configuration documents are small). */
export function diffLines(before: string, after: string): Line[] {
  const a = before === '' ? [] : before.split('\n')
  const b = after === '' ? [] : after.split('\n')
  const n = a.length
  const m = b.length
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0))
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] ?? []
    const next = lcs[i + 1] ?? []
    for (let j = m - 1; j >= 0; j--) row[j] = a[i] === b[j] ? (next[j + 1] ?? 0) + 1 : Math.max(next[j] ?? 0, row[j + 1] ?? 0)
  }
  const out: Line[] = []
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ kind: ' ', text: a[i] ?? '' })
      i++
      j++
    } else if (i < n && (j >= m || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      // Removed lines come before the added ones that replace them.
      out.push({ kind: '-', text: a[i] ?? '' })
      i++
    } else {
      out.push({ kind: '+', text: b[j] ?? '' })
      j++
    }
  }
  return out
}

/** The diff as an element; unchanged runs longer than six lines are folded. */
export function diffView(before: unknown, after: unknown): HTMLElement {
  const lines = diffLines(stableJson(before), stableJson(after))
  const changed = lines.filter((l) => l.kind !== ' ').length
  const shown: HTMLElement[] = []
  lines.forEach((l, i) => {
    const near = lines.slice(Math.max(0, i - 3), i + 4).some((x) => x.kind !== ' ')
    if (l.kind === ' ' && !near) {
      if (shown.at(-1)?.className !== 'fold') shown.push(h('span', { class: 'fold' }, '…\n'))
      return
    }
    shown.push(h('span', { class: l.kind === '+' ? 'add' : l.kind === '-' ? 'del' : 'same' }, `${l.kind} ${l.text}\n`))
  })
  return h('div', { class: 'diff' },
    h('p', {}, changed === 0 ? 'Nothing changes.' : `${String(changed)} line${changed === 1 ? '' : 's'} change (+ added, − removed):`),
    h('pre', { tabindex: 0, 'aria-label': 'Changes' }, shown))
}
