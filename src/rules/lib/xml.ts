/**
 * xml.*: XPath 1.0, XSLT 1.0 and XSD/DTD validation on message bodies, through the XML addon.
 * Errors are values, as TrafficScript has them (-1, or "" from matchNodeSet), and each raises a
 * `rules_rulexmlerr` event that says why; an invalid document (0) is an answer, not an error.
 * @module
 */
import type { Expr, Span } from '../ast.ts'
import type { CallCheck, FunctionSpec, LibraryModule } from '../registry.ts'
import type { RunState } from '../run-state.ts'
import type { Value } from '../value.ts'
import { str } from './args.ts'
import { DEFAULT_XML_MAX_BYTES, XML_KIND_LABEL, XML_OP_LIMIT, XmlCatalog, compileXml, isInlineXml, type XmlKind } from './xml-catalog.ts'
import { xmlSupport, type XmlSupport } from './xml-native.ts'

/** The event a failed xml.* call raises. */
export const XML_ERROR_EVENT = 'rules_rulexmlerr'

const NSMAP_ENTRY = /^xmlns:[^\s=:]+=\S+$/

/** Why a namespace map is not a list of xmlns:prefix=uri, or null when it is one. */
export function nsmapProblem(nsmap: string): string | null {
  for (const entry of nsmap.split(/\s+/)) {
    if (entry !== '' && !NSMAP_ENTRY.test(entry)) {
      return `the namespace map entry "${entry.slice(0, 80)}" is not xmlns:prefix=uri (XPath 1.0 has no default namespace)`
    }
  }
  return null
}

function literal(args: readonly Expr[], i: number): { readonly value: string; readonly span: Span } | null {
  const a = args[i]
  return a?.kind === 'str' ? { value: a.value, span: a.span } : null
}

/** Creates the module over the given XML support (the process's, or a stand-in in tests). */
export function createXmlModule(support: XmlSupport): LibraryModule {
  let fallback: XmlCatalog | undefined
  const catalogOf = (s: RunState): XmlCatalog =>
    s.services.xml ?? (fallback ??= new XmlCatalog(support, new Map(), { maxBytes: DEFAULT_XML_MAX_BYTES, opLimit: XML_OP_LIMIT }))

  const fail = <T extends Value>(s: RunState, fn: string, reason: string, value: T): T => {
    s.services.emitEvent(XML_ERROR_EVENT, `rule ${s.ruleName}: ${fn}: ${reason}`)
    return value
  }

  const checkSupport = (name: string) => (call: CallCheck): boolean => {
    if (support.ok) return true
    call.error(call.span, `${name} needs XML support, which is not available here: ${support.reason}`)
    return false
  }

  const xpathCheck = (name: string) => (call: CallCheck): void => {
    if (!checkSupport(name)(call) || !support.ok) return
    const nsmap = literal(call.args, 1)
    const problem = nsmap === null ? null : nsmapProblem(nsmap.value)
    if (nsmap !== null && problem !== null) call.error(nsmap.span, `${name}: ${problem}`)
    const xpath = literal(call.args, 2)
    if (xpath !== null && !support.addon.checkXPath(xpath.value)) call.error(xpath.span, `${name}: ${support.addon.lastError()}`)
  }

  const resourceCheck = (name: string, kind: XmlKind) => (call: CallCheck): void => {
    if (!checkSupport(name)(call)) return
    const what = literal(call.args, 1)
    if (what === null) return
    if (isInlineXml(what.value)) {
      const r = compileXml(support, kind, what.value)
      if (!r.ok) call.error(what.span, `${name}: the ${XML_KIND_LABEL[kind]} does not compile: ${r.reason}`)
      return
    }
    const files = call.known('extra_files')
    if (files !== undefined && !files.has(what.value)) {
      call.error(what.span, `${name}: there is no file "${what.value}" in extra_files/ (pass a file name or the ${XML_KIND_LABEL[kind]} text)`)
    }
  }

  // Only a registry built around absent support gets here: the check refuses such rules.
  const missing = <T extends Value>(s: RunState, fn: string, value: T): T => fail(s, fn, support.ok ? '' : support.reason, value)

  const xpath = (name: string, count: boolean): FunctionSpec => ({
    min: 3, max: 3,
    checkCall: xpathCheck(name),
    fn: (s, a) => {
      if (!support.ok) return missing(s, name, count ? -1 : '')
      const c = catalogOf(s)
      const doc = str(a, 0), nsmap = str(a, 1), expr = str(a, 2)
      if (count) {
        const n = support.addon.xpathCount(doc, nsmap, expr, c.maxBytes, c.opLimit)
        return n < 0 ? fail(s, name, support.addon.lastError(), -1) : n
      }
      const text = support.addon.xpathNodeSet(doc, nsmap, expr, c.maxBytes, c.opLimit)
      return text ?? fail(s, name, support.addon.lastError(), '')
    },
  })

  const transform: FunctionSpec = {
    min: 2, max: 2,
    checkCall: resourceCheck('xml.xslt.transform', 'xslt'),
    fn: (s, a) => {
      const name = 'xml.xslt.transform'
      if (!support.ok) return missing(s, name, -1)
      const c = catalogOf(s)
      const sheet = c.get('xslt', str(a, 1))
      if (!sheet.ok) return fail(s, name, `the stylesheet: ${sheet.reason}`, -1)
      const out = support.addon.transform(sheet.handle, str(a, 0), c.maxBytes, c.opLimit)
      return out ?? fail(s, name, support.addon.lastError(), -1)
    },
  }

  const validate = (name: string, kind: 'xsd' | 'dtd'): FunctionSpec => ({
    min: 2, max: 2,
    checkCall: resourceCheck(name, kind),
    fn: (s, a) => {
      if (!support.ok) return missing(s, name, -1)
      const c = catalogOf(s)
      const against = c.get(kind, str(a, 1))
      if (!against.ok) return fail(s, name, `the ${XML_KIND_LABEL[kind]}: ${against.reason}`, -1)
      const doc = str(a, 0)
      const r = kind === 'xsd'
        ? support.addon.validateXsd(against.handle, doc, c.maxBytes)
        : support.addon.validateDtd(against.handle, doc, c.maxBytes)
      return r < 0 ? fail(s, name, support.addon.lastError(), -1) : r
    },
  })

  return {
    functions: {
      'xml.xpath.matchNodeCount': xpath('xml.xpath.matchNodeCount', true),
      'xml.xpath.matchNodeSet': xpath('xml.xpath.matchNodeSet', false),
      'xml.xslt.transform': transform,
      'xml.validate.xsd': validate('xml.validate.xsd', 'xsd'),
      'xml.validate.dtd': validate('xml.validate.dtd', 'dtd'),
    },
    // The first validation function took a DTD; XML Schema support came later, beside it.
    aliases: { 'xml.validate': { target: 'xml.validate.dtd', deprecated: true } },
  }
}

/** xml.* over the process's XML support. */
export const xmlModule: LibraryModule = createXmlModule(xmlSupport())
