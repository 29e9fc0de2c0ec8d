/**
 * A few DOM helpers: build elements from a tag, attributes and children, never from HTML text,
 * so nothing the API returns is ever parsed as markup.
 * @module
 */

/** Attributes and properties of a new element; `on*` functions become event listeners. */
export type Attrs = Readonly<Record<string, string | number | boolean | EventListener | undefined>>

/** A child: an element, text, or nothing. */
export type Child = Node | string | number | null | undefined | false

/** Creates `<tag>` with `attrs` and `children`. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | readonly Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value)
    else if (value === true) el.setAttribute(name, '')
    else el.setAttribute(name, String(value))
  }
  append(el, children)
  return el
}

/** Appends children (nested lists flattened; empty ones skipped). */
export function append(parent: Node, children: readonly (Child | readonly Child[])[]): void {
  for (const c of children) {
    if (Array.isArray(c)) append(parent, c as readonly Child[])
    else if (c instanceof Node) parent.appendChild(c)
    else if (typeof c === 'string' || typeof c === 'number') parent.appendChild(document.createTextNode(String(c)))
  }
}

/** Replaces every child of `parent`. */
export function replace(parent: Node, ...children: (Child | readonly Child[])[]): void {
  while (parent.firstChild !== null) parent.removeChild(parent.firstChild)
  append(parent, children)
}

/**
 * Runs `redraw` (which rebuilds the children of `container`) and gives keyboard focus back to
 * the link or button that had it, found again by its target and text, so live updates never
 * pull the focus away from someone using the keyboard.
 */
export function keepingFocus(container: HTMLElement, redraw: () => void): void {
  const active = document.activeElement
  const wasInside = active instanceof HTMLElement && container.contains(active)
  const key = wasInside ? `${active.getAttribute('href') ?? ''}|${active.textContent}` : undefined
  redraw()
  if (key === undefined) return
  const again = [...container.querySelectorAll<HTMLElement>('a, button')].find((el) => `${el.getAttribute('href') ?? ''}|${el.textContent}` === key)
  again?.focus()
}

let uniqueId = 0

/** A fresh element id with a readable prefix. */
export function newId(prefix: string): string {
  uniqueId += 1
  return `${prefix}-${String(uniqueId)}`
}

/** A number for people: thousands separated, at most `digits` decimals. */
export function formatNumber(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits })
}

/** Bytes for people (B, KiB, MiB, GiB). */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${formatNumber(v, i === 0 ? 0 : 1)} ${units[i] ?? 'B'}`
}
