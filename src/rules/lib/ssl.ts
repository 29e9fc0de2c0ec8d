/**
 * ssl.*: what is known about the client connection's TLS. The rest of ssl.* is in later.ts.
 * @module
 */
import type { LibraryModule } from '../registry.ts'
import { b } from './args.ts'

export const sslModule: LibraryModule = {
  functions: {
    'ssl.isSSL': { min: 0, max: 0, fn: (s) => b(s.view.isTls()) },
  },
}
