/**
 * Loaded with `node --import` to play a machine where native/xml did not build: the
 * `sluice-xml` package cannot be found, as after `npm ci` without libxml2-dev.
 */
import { registerHooks } from 'node:module'

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'sluice-xml') throw Object.assign(new Error("Cannot find module 'sluice-xml'"), { code: 'MODULE_NOT_FOUND' })
    return nextResolve(specifier, context)
  },
})
