/**
 * http.cache.*: what rules tell the web cache about one transaction. Decisions are recorded in
 * the Decision's settings (`http.cache`: 'enable' or 'disable'; `http.cache.setkey`: an extra
 * key part), which the HTTP engine's cache phases read; `exists` and `respondIfCached` ask the
 * transaction's view. The optional pool argument is accepted and has no effect: one cache serves
 * a virtual server whichever pool answers.
 * @module
 */
import type { LibraryModule } from '../registry.ts'
import type { RunState } from '../run-state.ts'
import { b, str } from './args.ts'

/** The Decision settings the HTTP engine's cache phases read. */
const CACHE_SETTING = 'http.cache'
const CACHE_KEY_SETTING = 'http.cache.setkey'

function extraKey(s: RunState): string {
  const v = s.decision.settings.get(CACHE_KEY_SETTING)
  return typeof v === 'string' ? v : ''
}

function isCached(s: RunState): boolean {
  if (s.decision.settings.get(CACHE_SETTING) === 'disable') return false
  return s.view.isCached?.(extraKey(s)) ?? false
}

export const httpCacheModule: LibraryModule = {
  functions: {
    'http.cache.disable': { min: 0, max: 0, fn: (s) => { s.decision.setSetting(CACHE_SETTING, 'disable'); return '' } },
    'http.cache.enable': { min: 0, max: 0, fn: (s) => { s.decision.setSetting(CACHE_SETTING, 'enable'); return '' } },
    'http.cache.setkey': { min: 1, max: 1, fn: (s, a) => { s.decision.setSetting(CACHE_KEY_SETTING, str(a, 0)); return '' } },
    'http.cache.exists': { min: 0, max: 1, fn: (s) => b(s.phase === 'REQUEST' && isCached(s)) },
    'http.cache.respondIfCached': {
      min: 0, max: 1,
      fn: (s) => {
        // In response rules the response is already on its way: nothing to do. Otherwise rule
        // processing ends, and the cache lookup that follows the request rules answers.
        if (s.phase !== 'REQUEST' || !isCached(s)) return 0
        s.decision.final = true
        s.stop()
        return 1
      },
    },
  },
}
