/**
 * The form of one configuration object, generated from the schema: a control per key, grouped
 * by section. `Review changes` asks the API for a dry run of the change, which answers with the
 * same validation (the same words as `sluice check`) and the documents before and after; errors
 * go next to their keys, and a diff is shown before `Apply` makes the real `PUT`.
 * @module
 */
import { API, call, canEdit, errorText, field, seg, type Reply } from './api.ts'
import { diffView, stableJson } from './diff.ts'
import { h, replace } from './dom.ts'
import { makeField, type Field } from './form-fields.ts'
import { defaultOf, type ObjectType, type Schema } from './schema.ts'

interface ApiDiagnostic {
  readonly object_type: string
  readonly object_name: string
  readonly key?: string
  readonly reason: string
}

/** One problem as `sluice check` prints it. */
export function diagnosticLine(d: ApiDiagnostic): string {
  if (d.object_type === 'rules' && d.key === undefined && d.reason.startsWith(`rule ${d.object_name}: `)) return d.reason
  const object = d.object_name === '' ? d.object_type : `${d.object_type}/${d.object_name}`
  return `${object === '' ? 'configuration' : object}: ${d.key === undefined ? '' : `${d.key}: `}${d.reason}`
}

/** The diagnostics of a failed change (or the warnings of a good one). */
export function diagnosticsOf(r: Reply, which: 'diagnostics' | 'warnings' = 'diagnostics'): ApiDiagnostic[] {
  const list = which === 'warnings' && r.ok ? field(r.body, 'warnings') : field(field(field(r.body, 'error'), 'error_info'), which)
  return Array.isArray(list) ? (list as ApiDiagnostic[]) : []
}

function objectPath(type: ObjectType, name: string): string {
  return type.kind === 'singleton' ? `${API}/config/active/${type.uri}` : `${API}/config/active/${type.uri}/${seg(name)}`
}

/** Shows the form of `type`/`name` (a new object when `name` is undefined). */
export async function showObjectForm(el: HTMLElement, schema: Schema, type: ObjectType, name: string | undefined): Promise<void> {
  const isNew = name === undefined
  const editable = canEdit()
  let stored: Record<string, Record<string, unknown>> = {}
  if (!isNew) {
    const r = await call('GET', objectPath(type, name))
    if (!r.ok) {
      replace(el, h('h1', {}, `${type.uri}/${name}`), h('p', { class: 'error', role: 'alert' }, errorText(r)))
      return
    }
    stored = (field(r.body, 'properties') ?? {}) as Record<string, Record<string, unknown>>
  }
  const sections = schema.sections(type)
  const fields = new Map<string, Field>()
  const initial = new Map<string, unknown>()
  const groups = [...sections].map(([section, keys]) => {
    const controls = [...keys].map(([key, s]) => {
      const value = isNew ? defaultOf(s) : stored[section]?.[key]
      const f = makeField(section, key, s, value, editable)
      fields.set(`${section}.${key}`, f)
      // What the control reads back before any edit, so a key nobody touched is never sent.
      initial.set(`${section}.${key}`, f.value())
      return f.element
    })
    return h('details', { class: 'section', open: section === 'basic', 'data-section': section }, h('summary', {}, section), h('div', { class: 'fields' }, controls))
  })
  const nameInput = h('input', { id: 'object-name', autocomplete: 'off', spellcheck: false, required: true })
  const nameError = h('p', { class: 'field-error', id: 'object-name-error', hidden: true })
  const summary = h('div', { class: 'summary', role: 'alert' })
  const review = h('div', { class: 'review' })
  const jsonView = h('pre', { class: 'json', hidden: true, tabindex: 0, 'aria-label': 'JSON of the object' }, stableJson({ properties: stored }))
  const jsonButton = h('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'json-view' }, 'Show JSON')
  jsonView.id = 'json-view'
  jsonButton.addEventListener('click', () => {
    jsonView.hidden = !jsonView.hidden
    jsonButton.setAttribute('aria-expanded', String(!jsonView.hidden))
    jsonButton.textContent = jsonView.hidden ? 'Show JSON' : 'Hide JSON'
  })
  const targetName = (): string => (isNew ? nameInput.value.trim() : name)

  /** The keys that differ from what is stored (or, for a new object, from the defaults). */
  const change = (): Record<string, Record<string, unknown>> => {
    const out: Record<string, Record<string, unknown>> = {}
    for (const [path, f] of fields) {
      const v = f.value()
      if (stableJson(v) === stableJson(initial.get(path))) continue
      const [section = '', key = ''] = path.split('.')
      ;(out[section] ??= {})[key] = v
    }
    return out
  }

  const showProblems = (r: Reply) => {
    for (const f of fields.values()) f.setError('')
    nameError.hidden = true
    const all = diagnosticsOf(r)
    const general: ApiDiagnostic[] = []
    const objectName = type.kind === 'singleton' ? '' : targetName()
    let first: Field | undefined
    for (const d of all) {
      const base = d.key?.replace(/\[.*$/, '')
      const f = d.object_type === type.uri && d.object_name === objectName && base !== undefined ? fields.get(base) : undefined
      if (f === undefined) {
        general.push(d)
        continue
      }
      const detail = d.key === base ? d.reason : `${(d.key ?? '').slice((base ?? '').length)}: ${d.reason}`
      f.setError(detail)
      const details = f.element.closest('details')
      if (details !== null) details.open = true
      first ??= f
    }
    replace(summary,
      h('p', {}, all.length === 0 ? errorText(r) : `Nothing was applied: ${String(all.length)} problem${all.length === 1 ? '' : 's'}${first === undefined ? '' : ', shown next to their keys'}.`),
      general.length === 0 ? null : h('ul', {}, general.map((d) => h('li', {}, diagnosticLine(d)))))
    first?.focus()
  }

  const send = async (dryRun: boolean): Promise<Reply | undefined> => {
    const target = targetName()
    if (target === '') {
      nameError.textContent = 'Give the object a name.'
      nameError.hidden = false
      nameInput.focus()
      return undefined
    }
    return call('PUT', `${objectPath(type, target)}${dryRun ? '?dry_run=true' : ''}`, { properties: change() })
  }

  const apply = async () => {
    const r = await send(false)
    if (r === undefined) return
    if (!r.ok) {
      replace(review)
      showProblems(r)
      return
    }
    const target = targetName()
    const warnings = diagnosticsOf(r, 'warnings')
    if (isNew) location.hash = `#/config/${type.uri}/${seg(target)}`
    else await showObjectForm(el, schema, type, target)
    el.prepend(h('p', { class: 'saved', role: 'status' }, `Saved ${type.uri}/${target}.`, warnings.map((w) => h('span', { class: 'warning' }, ` Warning: ${diagnosticLine(w)}`))))
  }

  const reviewChanges = async () => {
    replace(summary)
    replace(review)
    const r = await send(true)
    if (r === undefined) return
    if (!r.ok) {
      showProblems(r)
      return
    }
    for (const f of fields.values()) f.setError('')
    const warnings = diagnosticsOf(r, 'warnings')
    const applyButton = h('button', { type: 'button', class: 'primary', onclick: () => void apply() }, 'Apply')
    replace(review,
      h('h2', {}, 'Review'),
      diffView(field(r.body, 'before'), field(r.body, 'after')),
      warnings.length === 0 ? null : h('ul', { class: 'warnings' }, warnings.map((w) => h('li', {}, `warning: ${diagnosticLine(w)}`))),
      applyButton,
      h('button', { type: 'button', onclick: () => { replace(review) } }, 'Cancel'))
    applyButton.focus()
  }

  const deleteButton = !editable || isNew || type.kind === 'singleton' ? null : h('button', {
    type: 'button',
    class: 'danger',
    onclick: () => {
      replace(review,
        h('p', {}, `Delete ${type.uri}/${name}? This cannot be undone.`),
        h('button', { type: 'button', class: 'danger', onclick: () => void call('DELETE', objectPath(type, name)).then((r) => {
          if (r.ok) location.hash = `#/config/${type.uri}`
          else showProblems(r)
        }) }, 'Delete now'),
        h('button', { type: 'button', onclick: () => { replace(review) } }, 'Keep it'))
    },
  }, 'Delete')

  const form = h('form', { class: 'object-form', novalidate: true },
    isNew ? h('div', { class: 'field' }, h('label', { for: 'object-name' }, 'Name'), nameInput, nameError) : null,
    groups,
    h('div', { class: 'buttons' },
      editable ? h('button', { type: 'submit', class: 'primary' }, 'Review changes') : null,
      jsonButton,
      deleteButton),
    summary,
    review,
    jsonView)
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    void reviewChanges()
  })
  replace(el,
    h('p', { class: 'crumbs' }, h('a', { href: '#/config' }, 'Configuration'), ' / ', h('a', { href: `#/config/${type.uri}` }, type.uri)),
    h('h1', {}, isNew ? `New ${type.name}` : type.kind === 'singleton' ? type.uri : `${type.uri}/${name}`),
    type.uri === 'pools' && !isNew ? h('p', {}, h('a', { href: `#/pools/${seg(name)}` }, 'Operate this pool\u2019s nodes')) : null,
    editable ? null : h('p', { class: 'note' }, 'Read only: your user may not change the configuration here.'),
    form)
  if (isNew) nameInput.focus()
}

