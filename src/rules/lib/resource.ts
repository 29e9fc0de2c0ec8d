/**
 * resource.*: extra files from the configuration, held in memory by the host.
 * @module
 */
import { createHash } from 'node:crypto'
import type { LibraryModule } from '../registry.ts'
import type { RunState } from '../run-state.ts'
import { b, str, toBytes } from './args.ts'

function resourceOf(s: RunState, name: string): { content: string; mtimeS: number } | undefined {
  // Extra files are a flat namespace: no directories, so no path tricks.
  if (name.includes('/') || name.includes('\\') || name === '..' || name === '.') return undefined
  return s.services.getResource(name)
}

export const resourceModule: LibraryModule = {
  functions: {
    'resource.get': { min: 1, max: 1, fn: (s, a) => resourceOf(s, str(a, 0))?.content ?? '' },
    'resource.getLines': {
      min: 1, max: 1,
      fn: (s, a) => {
        const c = resourceOf(s, str(a, 0))?.content ?? ''
        if (c === '') return []
        const lines = c.split(/\r?\n/)
        if (lines[lines.length - 1] === '') lines.pop()
        return lines
      },
    },
    'resource.exists': { min: 1, max: 1, fn: (s, a) => b(resourceOf(s, str(a, 0)) !== undefined) },
    'resource.getMD5': {
      min: 1, max: 1,
      fn: (s, a) => {
        const r = resourceOf(s, str(a, 0))
        return r === undefined ? '' : createHash('md5').update(toBytes(r.content)).digest('hex')
      },
    },
    'resource.getMTime': { min: 1, max: 1, fn: (s, a) => resourceOf(s, str(a, 0))?.mtimeS ?? 0 },
  },
}
