/**
 * http.compress.*: whether this response is compressed, overriding the virtual server's `gzip`
 * settings (recorded in the Decision; the HTTP engine's compression phase acts on it).
 * @module
 */
import type { LibraryModule } from '../registry.ts'

export const httpCompressModule: LibraryModule = {
  functions: {
    // vTM returns 0 when compression was switched on.
    'http.compress.enable': { min: 0, max: 0, fn: (s) => { s.decision.compress = 'enable'; return 0 } },
    'http.compress.disable': { min: 0, max: 0, fn: (s) => { s.decision.compress = 'disable'; return '' } },
  },
}
