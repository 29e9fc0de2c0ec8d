/**
 * The rule editor: TrafficScript with highlighting, checked as you type by the API's dry run of
 * saving it (so the messages are those of `sluice check`, with line and column markers in the
 * gutter and under the text), saved with a real `PUT`, and tested in place like `sluice rule
 * test`. The text area is an ordinary one under the coloured copy, so keyboard use, selection
 * and screen readers work as they do everywhere; Tab moves on to the next control.
 * @module
 */
import { API, call, errorText, seg, type Reply } from './api.ts'
import { diagnosticLine, diagnosticsOf } from './config-form.ts'
import { h, replace } from './dom.ts'
import { highlight, markOf, type Mark } from './rule-highlight.ts'
import { ruleTestPanel } from './rule-test-panel.ts'

const CHECK_DELAY_MS = 300

/** Shows rule `name` (a new rule when empty) in `el`; returns what stops its checking. */
export function showRuleEditor(el: HTMLElement, name: string, editable: boolean): () => void {
  const isNew = name === ''
  const nameInput = h('input', { id: 'rule-name', autocomplete: 'off', spellcheck: false })
  const text = h('textarea', { id: 'rule-text', class: 'code-input', spellcheck: false, wrap: 'off', autocapitalize: 'off', 'aria-describedby': 'rule-problems', readonly: !editable })
  const coloured = h('pre', { class: 'code-colour', 'aria-hidden': 'true' })
  const gutter = h('div', { class: 'gutter', 'aria-hidden': 'true' })
  const problems = h('ul', { id: 'rule-problems', class: 'problems', 'aria-live': 'polite' })
  const status = h('p', { role: 'status', class: 'status' })
  let marks: Mark[] = []
  let timer: number | undefined
  let checks = 0
  const ruleName = () => (isNew ? nameInput.value.trim() : name)

  const draw = () => {
    replace(coloured, highlight(text.value, marks))
    const lines = text.value.split('\n').length
    replace(gutter, Array.from({ length: lines }, (_v, i) => {
      const here = marks.filter((m) => m.line === i + 1)
      const worst = here.some((m) => m.severity === 'error') ? 'error' : here.length > 0 ? 'warning' : ''
      return h('div', { class: `line-no ${worst}`, title: here.map((m) => `${m.severity}: ${m.message}`).join('\n') || undefined }, worst === 'error' ? '✖ ' : worst === 'warning' ? '▲ ' : '', String(i + 1))
    }))
    coloured.scrollTop = text.scrollTop
    coloured.scrollLeft = text.scrollLeft
    gutter.scrollTop = text.scrollTop
  }

  const goTo = (m: Mark) => {
    const lines = text.value.split('\n')
    const offset = lines.slice(0, m.line - 1).reduce((a, l) => a + l.length + 1, 0) + m.col - 1
    text.focus()
    text.setSelectionRange(offset, offset + m.length)
  }

  /** Shows what the API said: rule messages as markers, anything else as lines. */
  const showDiagnostics = (r: Reply) => {
    const list = r.ok ? diagnosticsOf(r, 'warnings') : diagnosticsOf(r)
    const mine = list.filter((d) => d.object_type === 'rules' && d.object_name === ruleName())
    marks = mine.map((d) => markOf(d.reason)).filter((m): m is Mark => m !== undefined)
    const other = list.filter((d) => !mine.includes(d) || markOf(d.reason) === undefined)
    replace(problems,
      marks.map((m) => h('li', { class: m.severity }, h('button', { type: 'button', class: 'link', onclick: () => { goTo(m) } }, `line ${String(m.line)}, column ${String(m.col)}`), `: ${m.severity === 'warning' ? 'warning: ' : ''}${m.message}`)),
      other.map((d) => h('li', {}, diagnosticLine(d))),
      !r.ok && list.length === 0 ? h('li', {}, errorText(r)) : null,
      r.ok && list.length === 0 ? h('li', {}, 'No problems.') : null)
    draw()
  }

  const check = async () => {
    const target = ruleName()
    if (target === '') return
    const mine = ++checks
    const r = await call('PUT', `${API}/config/active/rules/${seg(target)}?dry_run=true`, text.value)
    if (mine !== checks) return
    showDiagnostics(r)
    status.textContent = r.ok ? (marks.length === 0 ? 'No problems.' : 'Warnings only.') : `${String(marks.length || diagnosticsOf(r).length)} problem(s).`
  }

  const save = async () => {
    const target = ruleName()
    if (target === '') {
      status.textContent = 'Give the rule a name.'
      nameInput.focus()
      return
    }
    const r = await call('PUT', `${API}/config/active/rules/${seg(target)}`, text.value)
    showDiagnostics(r)
    status.textContent = r.ok ? `Saved and applied rules/${target}.` : `Not saved: ${String(diagnosticsOf(r).length)} problem(s); see the markers.`
    // The address names the new rule without leaving the page, so the status stays in view.
    if (r.ok && isNew) history.replaceState(null, '', `#/rules/${seg(target)}`)
  }

  text.addEventListener('input', () => {
    draw()
    window.clearTimeout(timer)
    timer = window.setTimeout(() => void check(), CHECK_DELAY_MS)
  })
  text.addEventListener('scroll', draw)

  replace(el,
    h('p', { class: 'crumbs' }, h('a', { href: '#/config' }, 'Configuration'), ' / ', h('a', { href: '#/config/rules' }, 'rules')),
    h('h1', {}, isNew ? 'New rule' : `Rule ${name}`),
    isNew ? h('div', { class: 'field' }, h('label', { for: 'rule-name' }, 'Name'), nameInput) : null,
    h('label', { for: 'rule-text' }, 'Rule text (TrafficScript)'),
    h('div', { class: 'code-editor' }, gutter, h('div', { class: 'code-area' }, coloured, text)),
    h('div', { class: 'buttons' }, editable ? h('button', { type: 'button', class: 'primary', onclick: () => void save() }, 'Save rule') : null),
    status,
    h('h2', {}, 'Problems'),
    problems,
    ruleTestPanel(() => ({ name: ruleName() || 'untitled', text: text.value })))

  if (!isNew) {
    void call('GET', `${API}/config/active/rules/${seg(name)}`).then((r) => {
      if (!r.ok) {
        status.textContent = errorText(r)
        return
      }
      text.value = r.text
      draw()
      void check()
    })
  } else {
    draw()
  }
  nameInput.addEventListener('input', () => {
    window.clearTimeout(timer)
    timer = window.setTimeout(() => void check(), CHECK_DELAY_MS)
  })
  return () => {
    window.clearTimeout(timer)
    checks++
  }
}
