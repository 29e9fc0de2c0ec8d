/**
 * One form control per configuration key, chosen by the key's schema: a checkbox for booleans,
 * a select for enums, a text box for numbers and strings, a text area for lists, and a small
 * grid for tables. Each control is labelled with its key name, carries the schema's help text,
 * and has a place for the API's error about that key.
 * @module
 */
import { h, newId } from './dom.ts'
import type { ValueSchema } from './schema.ts'

export interface Field {
  readonly element: HTMLElement
  /** The value as it would be sent. */
  value(): unknown
  /** Shows the API's words about this key (empty clears). */
  setError(text: string): void
  focus(): void
}

/** Numbers typed as text: a number when it reads as one, else the text (the API says what is wrong). */
function numberOrText(text: string): unknown {
  const t = text.trim()
  return /^-?\d+(?:\.\d+)?$/.test(t) ? Number(t) : t
}

/** A list entry as one line: text as it is; a rule entry with the usual options by its name. */
function lineOf(v: unknown): string {
  if (typeof v === 'string') return v
  const e = v as { name?: unknown; enabled?: unknown; run_frequency?: unknown }
  if (typeof e.name === 'string' && e.enabled === true && e.run_frequency === 'run_every') return e.name
  return JSON.stringify(v)
}

/** One line of a list: a JSON object as written (a rule entry with its options), else the text. */
function entry(line: string): unknown {
  if (!line.startsWith('{')) return line
  try {
    return JSON.parse(line) as unknown
  } catch {
    return line
  }
}

function input(s: ValueSchema, value: unknown, id: string, label: string | undefined, editable: boolean): { el: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement; read: () => unknown } {
  const common = { id, 'aria-label': label, disabled: !editable }
  if (s.type === 'boolean') {
    const el = h('input', { ...common, type: 'checkbox' })
    el.checked = value === true
    return { el, read: () => el.checked }
  }
  if (s.enum !== undefined) {
    const options = [...s.enum]
    if (typeof value === 'string' && !options.includes(value)) options.unshift(value)
    const el = h('select', common, options.map((o) => h('option', { value: o }, o === '' ? '(none)' : o)))
    el.value = typeof value === 'string' ? value : typeof s.default === 'string' ? s.default : ''
    return { el, read: () => el.value }
  }
  if (s.type === 'array') {
    const el = h('textarea', { ...common, rows: 3, spellcheck: false })
    el.value = Array.isArray(value) ? value.map(lineOf).join('\n') : ''
    return { el, read: () => el.value.split('\n').map((l) => l.trim()).filter((l) => l !== '').map(entry) }
  }
  const isNumber = s.type === 'integer' || s.type === 'number'
  const el = h('input', { ...common, type: s.writeOnly === true ? 'password' : 'text', inputmode: isNumber ? 'decimal' : undefined, autocomplete: 'off', spellcheck: false })
  el.value = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : ''
  return { el, read: () => (isNumber ? numberOrText(el.value) : el.value) }
}

/** Range, default and help text, as one line under the control. */
function helpText(s: ValueSchema): string {
  const facts: string[] = []
  if (s.minimum !== undefined || s.maximum !== undefined) facts.push(`range ${String(s.minimum ?? '…')} to ${String(s.maximum ?? '…')}`)
  if (s.default !== undefined && !(Array.isArray(s.default) && s.default.length === 0) && s.default !== '') facts.push(`default ${JSON.stringify(s.default)}`)
  return [s.description ?? '', facts.length === 0 ? '' : `(${facts.join('; ')})`].filter((t) => t !== '').join(' ')
}

/** A grid for a table key: one row per entry, one input per column. */
function tableField(key: string, s: ValueSchema, value: unknown, id: string, editable: boolean): { el: HTMLElement; read: () => unknown; first: () => HTMLElement | null } {
  const columns = Object.entries(s.items?.properties ?? {})
  const required = new Set(s.items?.required ?? [])
  const body = h('tbody')
  const readers: (() => Record<string, unknown>)[] = []
  const addRow = (row: Record<string, unknown>) => {
    const index = readers.length
    const cells = columns.map(([col, cs]) => {
      const cid = newId(`${id}-${col}`)
      const { el, read } = input(cs, row[col] ?? cs.default, cid, `${key} row ${String(index + 1)} ${col}`, editable)
      return { col, cs, el, read }
    })
    const tr = h('tr', {}, cells.map((c) => h('td', {}, c.el)), h('td', {}, editable ? h('button', { type: 'button', class: 'small', onclick: () => { tr.remove(); readers[index] = () => ({}) } }, `Remove row ${String(index + 1)}`) : null))
    readers.push(() => {
      const out: Record<string, unknown> = {}
      for (const c of cells) {
        const v = c.read()
        // Optional columns left at their default are left out, as a person would write the row.
        if (!required.has(c.col) && JSON.stringify(v) === JSON.stringify(c.cs.default ?? (c.cs.type === 'boolean' ? false : ''))) continue
        out[c.col] = v
      }
      return out
    })
    body.append(tr)
  }
  for (const row of Array.isArray(value) ? (value as Record<string, unknown>[]) : []) addRow(row)
  const table = h('table', { class: 'grid', id, 'aria-label': key },
    h('thead', {}, h('tr', {}, columns.map(([c]) => h('th', { scope: 'col' }, c)), h('th', {}, h('span', { class: 'visually-hidden' }, 'Remove')))),
    body)
  const add = editable ? h('button', { type: 'button', class: 'small', onclick: () => { addRow({}) } }, `Add row to ${key}`) : null
  return {
    el: h('div', { class: 'table-field' }, table, add),
    read: () => readers.map((r) => r()).filter((r) => Object.keys(r).length > 0),
    first: () => body.querySelector('input, select, textarea'),
  }
}

/** The control for key `key` of `section`, holding `value`. */
export function makeField(section: string, key: string, s: ValueSchema, value: unknown, editable: boolean): Field {
  const id = `f-${section}-${key}`
  const helpId = `${id}-help`
  const errorId = `${id}-error`
  const help = helpText(s)
  const error = h('p', { class: 'field-error', id: errorId, hidden: true })
  const isTable = s.type === 'array' && s.items?.type === 'object' && s.items.properties !== undefined
  let control: HTMLElement
  let read: () => unknown
  let focusable: () => HTMLElement | null
  if (isTable) {
    const t = tableField(key, s, value, id, editable)
    control = t.el
    read = t.read
    focusable = () => t.first() ?? control.querySelector('button')
  } else {
    const c = input(s, value, id, undefined, editable)
    c.el.setAttribute('aria-describedby', help === '' ? errorId : `${helpId} ${errorId}`)
    control = c.el
    read = c.read
    focusable = () => c.el
  }
  const label = isTable ? h('span', { class: 'label', id: `${id}-label` }, key) : h('label', { for: id }, key)
  const element = h('div', { class: `field${isTable ? ' wide' : ''}`, 'data-key': `${section}.${key}`, role: isTable ? 'group' : undefined, 'aria-labelledby': isTable ? `${id}-label` : undefined, 'aria-describedby': isTable ? `${help === '' ? '' : `${helpId} `}${errorId}` : undefined },
    label, control, help === '' ? null : h('p', { class: 'help', id: helpId }, help), error)
  return {
    element,
    value: read,
    setError: (text) => {
      error.textContent = text
      error.hidden = text === ''
      const target = isTable ? control.querySelector('table') : control
      if (text === '') target?.removeAttribute('aria-invalid')
      else target?.setAttribute('aria-invalid', 'true')
      element.classList.toggle('invalid', text !== '')
    },
    focus: () => focusable()?.focus(),
  }
}
