/**
 * The web UI's entry: reads the session, draws the header, and shows the page the URL's
 * fragment names (`#/`, `#/config/...`, `#/pools/NAME`, `#/rules/NAME`, `#/generations/VS`).
 * @module
 */
import { canEdit, currentSession, loadSession, logOut, whenLoggedOut } from './api.ts'
import { showConfigList, showConfigObject, showConfigTypes } from './config-pages.ts'
import { showDashboard } from './dashboard.ts'
import { h, replace } from './dom.ts'
import { showLogin } from './login.ts'
import { showPool } from './pool-page.ts'
import { showGenerations, showGenerationsList } from './generations-page.ts'
import { showRuleEditor } from './rule-editor.ts'

/** Stops whatever the previous page left running (polling). */
let leavePage: () => void = () => undefined

function main(): HTMLElement {
  const el = document.getElementById('main')
  if (el === null) throw new Error('the page has no <main>')
  return el
}

function drawHeader(): void {
  const top = document.getElementById('top')
  if (top === null) return
  const s = currentSession()
  const link = (href: string, text: string) => h('a', { href, 'aria-current': location.hash === href || (href !== '#/' && location.hash.startsWith(href)) ? 'page' : undefined }, text)
  replace(
    top,
    h('span', { class: 'brand' }, 'Sluice'),
    h('nav', { 'aria-label': 'Main' }, link('#/', 'Dashboard'), s.user === null ? null : link('#/config', 'Configuration'), s.user === null ? null : link('#/config/rules', 'Rules'), s.user === null ? null : link('#/generations', 'Generations')),
    h('span', { class: 'who' },
      s.user === null ? null : `${s.user} (${s.role ?? ''}${s.read_only ? ', read-only configuration' : ''})`,
      s.user === null ? (s.users_exist === false ? null : h('a', { href: '#/login' }, 'Log in')) : h('button', { type: 'button', onclick: () => void doLogOut() }, 'Log out')),
  )
}

async function doLogOut(): Promise<void> {
  await logOut()
  location.hash = '#/login'
  route('You have logged out.')
}

/** Shows the page for the current fragment. */
function route(notice?: string): void {
  leavePage()
  leavePage = () => undefined
  drawHeader()
  const el = main()
  const s = currentSession()
  const path = location.hash.replace(/^#/, '') || '/'
  if (path === '/login' || (s.user === null && s.users_exist !== false)) {
    showLogin(el, notice, () => {
      if (path === '/login') location.hash = '#/'
      route()
    })
    return
  }
  if (path === '/' || s.user === null) {
    leavePage = showDashboard(el)
    return
  }
  const parts = path.split('/').filter((p, i) => i > 0 && (p !== '' || i === 1))
  let decoded: string[]
  try {
    decoded = parts.map(decodeURIComponent)
  } catch {
    decoded = ['not-found']
  }
  const [area, ...rest] = decoded
  if (area === 'config') {
    if (rest.length === 0) void showConfigTypes(el)
    else void showConfigObjectOrList(el, rest)
    return
  }
  if (area === 'pools' && rest[0] !== undefined) {
    leavePage = showPool(el, rest[0])
    return
  }
  if (area === 'generations') {
    leavePage = rest[0] === undefined ? showGenerationsList(el) : showGenerations(el, rest[0])
    return
  }
  if (area === 'rules') {
    leavePage = showRuleEditor(el, rest[0] ?? '', canEdit())
    return
  }
  replace(el, h('h1', {}, 'Not found'), h('p', {}, 'No page here. ', h('a', { href: '#/' }, 'Go to the dashboard.')))
}

/** `config/<uri>` lists a type; `config/<uri>/<name>` shows one object (uris may hold a slash). */
async function showConfigObjectOrList(el: HTMLElement, rest: string[]): Promise<void> {
  const opened = await showConfigObject(el, rest)
  if (!opened) await showConfigList(el, rest.join('/'))
}

window.addEventListener('hashchange', () => {
  route()
  main().focus()
})

whenLoggedOut(() => {
  route('Your session has ended. Log in again.')
})

void loadSession().then(() => {
  route()
})
