/**
 * Configuration pages: the object types, the objects of one type, and one object (its form;
 * rules open in the rule editor; other raw files as text).
 * @module
 */
import { API, call, canEdit, errorText, field, seg } from './api.ts'
import { showObjectForm } from './config-form.ts'
import { h, replace } from './dom.ts'
import { loadSchema, typeOf, type ObjectType, type Schema } from './schema.ts'

async function schemaOr(el: HTMLElement): Promise<Schema | undefined> {
  try {
    return await loadSchema()
  } catch (e: unknown) {
    replace(el, h('p', { class: 'error', role: 'alert' }, e instanceof Error ? e.message : String(e)))
    return undefined
  }
}

/** The list of object types. */
export async function showConfigTypes(el: HTMLElement): Promise<void> {
  const schema = await schemaOr(el)
  if (schema === undefined) return
  replace(el,
    h('h1', {}, 'Configuration'),
    h('ul', { class: 'types' }, schema.types.map((t) => h('li', {}, h('a', { href: `#/config/${t.uri}` }, t.uri), t.kind === 'raw' ? ' (files)' : null))))
}

/** The objects of the type stored under `uri`. */
export async function showConfigList(el: HTMLElement, uri: string): Promise<void> {
  const schema = await schemaOr(el)
  if (schema === undefined) return
  const type = typeOf(schema, uri)
  if (type === undefined) {
    replace(el, h('h1', {}, 'Not found'), h('p', {}, `There is no object type ${uri}.`))
    return
  }
  if (type.kind === 'singleton') {
    await showObjectForm(el, schema, type, type.uri)
    return
  }
  const r = await call('GET', `${API}/config/active/${type.uri}/`)
  const children = field(r.body, 'children')
  const names = Array.isArray(children) ? children.map((c) => String(field(c, 'name'))) : []
  const href = (name: string) => (type.uri === 'rules' ? `#/rules/${seg(name)}` : `#/config/${type.uri}/${seg(name)}`)
  replace(el,
    h('p', { class: 'crumbs' }, h('a', { href: '#/config' }, 'Configuration')),
    h('h1', {}, type.uri),
    r.ok ? null : h('p', { class: 'error', role: 'alert' }, errorText(r)),
    canEdit() ? h('p', {}, h('a', { class: 'button', href: type.uri === 'rules' ? '#/rules/' : `#/config/${type.uri}/+new` }, `New ${type.name}`)) : null,
    names.length === 0 ? h('p', {}, 'None yet.') : h('ul', { class: 'objects' }, names.map((n) => h('li', {}, h('a', { href: href(n) }, n)))))
}

/**
 * Shows one object when `segments` name one (`<uri>/<name>`, or `<uri>/+new`); false when they
 * name a type instead.
 */
export async function showConfigObject(el: HTMLElement, segments: readonly string[]): Promise<boolean> {
  const schema = await schemaOr(el)
  if (schema === undefined) return true
  if (typeOf(schema, segments.join('/')) !== undefined) return false
  const name = segments.at(-1) ?? ''
  const type = typeOf(schema, segments.slice(0, -1).join('/'))
  if (type === undefined) return false
  if (type.uri === 'rules') {
    location.hash = `#/rules/${seg(name)}`
    return true
  }
  if (type.kind === 'raw') await showRawFile(el, type, name)
  else await showObjectForm(el, schema, type, name === '+new' ? undefined : name)
  return true
}

/** A raw file (extra files, CA certificates, action programs): its text, editable by admins. */
async function showRawFile(el: HTMLElement, type: ObjectType, name: string): Promise<void> {
  const path = `${API}/config/active/${type.uri}/${seg(name)}`
  const isNew = name === '+new'
  const r = isNew ? undefined : await call('GET', path)
  const text = h('textarea', { id: 'raw-text', rows: 20, spellcheck: false, disabled: !canEdit() })
  text.value = r?.text ?? ''
  const nameInput = h('input', { id: 'raw-name', autocomplete: 'off' })
  const status = h('p', { role: 'status' })
  const save = async () => {
    const target = isNew ? nameInput.value.trim() : name
    const res = await call('PUT', `${API}/config/active/${type.uri}/${seg(target)}`, text.value)
    status.textContent = res.ok ? `Saved ${type.uri}/${target}.` : errorText(res)
  }
  replace(el,
    h('p', { class: 'crumbs' }, h('a', { href: '#/config' }, 'Configuration'), ' / ', h('a', { href: `#/config/${type.uri}` }, type.uri)),
    h('h1', {}, isNew ? `New ${type.name}` : `${type.uri}/${name}`),
    isNew ? [h('label', { for: 'raw-name' }, 'Name'), nameInput] : null,
    h('label', { for: 'raw-text' }, 'Content'),
    text,
    canEdit() ? h('button', { type: 'button', class: 'primary', onclick: () => void save() }, 'Save') : null,
    status)
}
