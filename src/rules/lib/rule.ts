/**
 * rule.*: the running rule's name and which rule list it runs in.
 * @module
 */
import type { LibraryModule } from '../registry.ts'

export const ruleModule: LibraryModule = {
  functions: {
    'rule.getName': { min: 0, max: 0, fn: (s) => s.ruleName },
    'rule.getState': { min: 0, max: 0, fn: (s) => s.phase },
  },
}
