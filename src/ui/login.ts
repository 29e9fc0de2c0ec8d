/**
 * The login page: the REST API's users, a `Username` and a `Password` field and a `Log in`
 * button. The password goes only in the body of `POST /api/session`, never in a URL.
 * @module
 */
import { currentSession, logIn } from './api.ts'
import { h, replace } from './dom.ts'

export function showLogin(el: HTMLElement, notice: string | undefined, loggedIn: () => void): void {
  const s = currentSession()
  const error = h('p', { class: 'error', role: 'alert', id: 'login-error' })
  const user = h('input', { id: 'login-user', name: 'username', autocomplete: 'username', required: true })
  const password = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true })
  const form = h(
    'form',
    { class: 'login', 'aria-describedby': 'login-error' },
    h('h1', {}, 'Log in to Sluice'),
    notice === undefined ? null : h('p', { class: 'notice', role: 'status' }, notice),
    h('label', { for: 'login-user' }, 'Username'),
    user,
    h('label', { for: 'login-password' }, 'Password'),
    password,
    h('button', { type: 'submit' }, 'Log in'),
    error,
    s.users_exist === false
      ? h('p', { class: 'note' }, 'No API users exist yet. The dashboard is open to this machine read-only. ',
          'To make changes, start Sluice on your own configuration (sluice start --config DIR), which creates the user admin and prints its password once, or add a user with sluice user add NAME --config DIR.')
      : null,
  )
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    error.textContent = ''
    void logIn(user.value, password.value).then((problem) => {
      if (problem === undefined) loggedIn()
      else {
        error.textContent = problem
        password.value = ''
        password.focus()
      }
    })
  })
  replace(el, form)
  user.focus()
}
