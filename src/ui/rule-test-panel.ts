/**
 * The rule test runner: describe a request, run the rule text against it on the server, and see
 * what `sluice rule test` prints (the decision, what changed, what was logged).
 * @module
 */
import { API, call, errorText, field } from './api.ts'
import { h } from './dom.ts'

/** Reads `Name: value` lines into header pairs. */
function headerPairs(text: string): [string, string][] {
  return text.split('\n').filter((l) => l.includes(':')).map((l) => {
    const i = l.indexOf(':')
    return [l.slice(0, i).trim(), l.slice(i + 1).trim()]
  })
}

export function ruleTestPanel(rule: () => { name: string; text: string }): HTMLElement {
  const method = h('input', { id: 'test-method', value: 'GET', autocomplete: 'off' })
  const url = h('input', { id: 'test-url', value: '/', autocomplete: 'off' })
  const headers = h('textarea', { id: 'test-headers', rows: 3, spellcheck: false, placeholder: 'Host: www.example.com' })
  const body = h('textarea', { id: 'test-body', rows: 2, spellcheck: false })
  const phase = h('select', { id: 'test-phase' }, ['request', 'response', 'completion'].map((p) => h('option', { value: p }, p)))
  const output = h('pre', { class: 'test-output', 'aria-live': 'polite', tabindex: 0, 'aria-label': 'Test result' })
  const run = async () => {
    output.textContent = 'Running…'
    const { name, text } = rule()
    const r = await call('POST', `${API}/rule_test`, { name, text, method: method.value, url: url.value, headers: headerPairs(headers.value), body: body.value, phase: phase.value })
    const out = field(r.body, 'output')
    output.textContent = r.ok && typeof out === 'string' ? out : errorText(r)
  }
  return h('section', { class: 'rule-test', 'aria-labelledby': 'rule-test-h' },
    h('h2', { id: 'rule-test-h' }, 'Test this rule'),
    h('div', { class: 'test-grid' },
      h('label', { for: 'test-method' }, 'Method'), method,
      h('label', { for: 'test-url' }, 'URL'), url,
      h('label', { for: 'test-headers' }, 'Headers (Name: value, one a line)'), headers,
      h('label', { for: 'test-body' }, 'Body'), body,
      h('label', { for: 'test-phase' }, 'Phase'), phase),
    h('button', { type: 'button', onclick: () => void run() }, 'Run test'),
    output)
}
