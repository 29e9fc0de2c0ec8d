/**
 * TrafficScript highlighting: a small tokenizer that splits rule text into comments, strings,
 * numbers, keywords, variables, function names and the rest, and marks the spans the checker
 * reported. It only colours text; the API's checker decides what is wrong.
 * @module
 */
import { h } from './dom.ts'

const KEYWORDS = new Set(['if', 'else', 'switch', 'case', 'default', 'while', 'for', 'foreach', 'in', 'do', 'break', 'continue', 'return', 'sub', 'import', 'as', 'true', 'false'])

/** A stretch of one line the checker complained about (1-based line and column). */
export interface Mark {
  readonly line: number
  readonly col: number
  readonly length: number
  readonly severity: 'error' | 'warning'
  readonly message: string
}

type Token = { readonly kind: string; readonly text: string }

const TOKEN = /(#.*)|("(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?)|(\$[A-Za-z_][A-Za-z0-9_]*)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_][A-Za-z0-9_.]*)(?=\s*\()|([A-Za-z_][A-Za-z0-9_]*)|(\s+)|(.)/g

/** Splits one line into tokens (strings are treated line by line, which is enough to colour). */
export function tokenize(line: string): Token[] {
  const out: Token[] = []
  for (const m of line.matchAll(TOKEN)) {
    const [text] = m
    const kind = m[1] !== undefined ? 'comment' : m[2] !== undefined ? 'string' : m[3] !== undefined ? 'variable' : m[4] !== undefined ? 'number'
      : m[5] !== undefined ? (KEYWORDS.has(m[5]) ? 'keyword' : 'function') : m[6] !== undefined ? (KEYWORDS.has(m[6]) ? 'keyword' : 'name') : 'plain'
    out.push({ kind, text })
  }
  return out
}

/** One highlighted line, with the marked columns underlined. */
function lineNodes(line: string, marks: readonly Mark[]): Node[] {
  const nodes: Node[] = []
  let col = 1
  for (const t of tokenize(line)) {
    // Split tokens at mark edges so an underline covers exactly the reported columns.
    let rest = t.text
    while (rest !== '') {
      const mark = marks.find((m) => col >= m.col && col < m.col + m.length)
      const nextEdge = Math.min(rest.length, ...marks.flatMap((m) => [m.col - col, m.col + m.length - col]).filter((d) => d > 0))
      const piece = rest.slice(0, nextEdge)
      const cls = `t-${t.kind}${mark === undefined ? '' : ` mark-${mark.severity}`}`
      nodes.push(t.kind === 'plain' && mark === undefined ? document.createTextNode(piece) : h('span', { class: cls }, piece))
      col += piece.length
      rest = rest.slice(piece.length)
    }
  }
  // A mark past the end of the line (a missing `;` or `}`) still shows.
  if (marks.some((m) => m.col >= col)) nodes.push(h('span', { class: `eol-mark mark-${marks.find((m) => m.col >= col)?.severity ?? 'error'}` }, ' '))
  return nodes
}

/** The whole text, highlighted, line by line. */
export function highlight(text: string, marks: readonly Mark[]): Node[] {
  const out: Node[] = []
  text.split('\n').forEach((line, i) => {
    out.push(...lineNodes(line, marks.filter((m) => m.line === i + 1)), document.createTextNode('\n'))
  })
  return out
}

/** Reads `rule NAME: line L, column C: [warning: ]MESSAGE` (then the source and a caret line). */
export function markOf(reason: string): Mark | undefined {
  const m = /^rule .*?: line (\d+), column (\d+): (warning: )?([^\n]*)(?:\n[^\n]*\n[ \t]*(\^+))?/.exec(reason)
  if (m === null) return undefined
  return { line: Number(m[1]), col: Number(m[2]), length: Math.max(1, m[5]?.length ?? 1), severity: m[3] === undefined ? 'error' : 'warning', message: m[4] ?? '' }
}
