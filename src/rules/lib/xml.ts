/**
 * xml.*: XPath 1.0, XSLT 1.0 and XSD/DTD validation on message bodies, through the XML addon.
 * Errors are values, as TrafficScript has them (-1, or "" from matchNodeSet), and each raises a
 * `rules_rulexmlerr` event that says why; an invalid document (0) is an answer, not an error.
 * Bodies of XML_WORKER_MIN_BYTES or more are handled by the XML worker (the rule waits).
 * @module
 */
import type { Expr, Span } from '../ast.ts'
import type { CallCheck, FunctionSpec, LibraryModule } from '../registry.ts'
import type { RunState } from '../run-state.ts'
import type { Value } from '../value.ts'
import { str } from './args.ts'
import { DEFAULT_XML_MAX_BYTES, XML_KIND_LABEL, XML_OP_LIMIT, XmlCatalog, compileXml, isInlineXml, type XmlKind } from './xml-catalog.ts'
import { runXmlJob, type XmlJob, type XmlJobResult } from './xml-jobs.ts'
import { xmlSupport, type XmlSupport } from './xml-native.ts'
import { XML_WORKER_MIN_BYTES, xmlWorkers, type XmlWorkerPool } from './xml-workers.ts'

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

/** Where large bodies go: the process's worker pool, another one (tests), or none (all inline). */
export interface XmlModuleOptions {
  readonly workers?: (() => XmlWorkerPool) | null
}

/** Creates the module over the given XML support (the process's, or a stand-in in tests). */
export function createXmlModule(support: XmlSupport, options: XmlModuleOptions = {}): LibraryModule {
  const workers = options.workers === undefined ? xmlWorkers : options.workers
  let fallback: XmlCatalog | undefined
  const catalogOf = (s: RunState): XmlCatalog =>
    s.services.xml ?? (fallback ??= new XmlCatalog(support, new Map(), { maxBytes: DEFAULT_XML_MAX_BYTES, opLimit: XML_OP_LIMIT }))

  const fail = <T extends Value>(s: RunState, fn: string, reason: string, value: T): T => {
    s.services.emitEvent(XML_ERROR_EVENT, `rule ${s.ruleName}: ${fn}: ${reason}`, s.ruleName)
    return value
  }

  /** The value of a finished job, or the error value with an event. */
  const answer = (s: RunState, fn: string, r: XmlJobResult, errorValue: number | string): Value =>
    r.ok ? r.value : fail(s, fn, r.reason, errorValue)

  /** Runs a job inline, or in the worker when the body is large (then the rule waits). */
  const run = (s: RunState, fn: string, job: XmlJob, handle: object | null, errorValue: number | string): Value | Promise<Value> => {
    if (!support.ok) return fail(s, fn, support.reason, errorValue)
    if (job.doc.length > job.maxBytes) {
      return fail(s, fn, `the document is ${String(job.doc.length)} bytes, over the limit of ${String(job.maxBytes)} bytes (trafficscript.xml_max_size)`, errorValue)
    }
    if (workers !== null && job.doc.length >= XML_WORKER_MIN_BYTES) {
      return workers().run(job).then((r) => answer(s, fn, r, errorValue))
    }
    return answer(s, fn, runXmlJob(support.addon, job, handle), errorValue)
  }

  const checkSupport = (name: string, call: CallCheck): boolean => {
    if (support.ok) return true
    call.error(call.span, `${name} needs XML support, which is not available here: ${support.reason}`)
    return false
  }

  const xpathCheck = (name: string) => (call: CallCheck): void => {
    if (!checkSupport(name, call) || !support.ok) return
    const nsmap = literal(call.args, 1)
    const problem = nsmap === null ? null : nsmapProblem(nsmap.value)
    if (nsmap !== null && problem !== null) call.error(nsmap.span, `${name}: ${problem}`)
    const xpath = literal(call.args, 2)
    if (xpath !== null && !support.addon.checkXPath(xpath.value)) call.error(xpath.span, `${name}: ${support.addon.lastError()}`)
  }

  const resourceCheck = (name: string, kind: XmlKind) => (call: CallCheck): void => {
    if (!checkSupport(name, call)) return
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

  const xpath = (name: string, op: 'count' | 'nodeset'): FunctionSpec => ({
    min: 3, max: 3, suspends: true,
    checkCall: xpathCheck(name),
    fn: (s, a) => {
      const c = catalogOf(s)
      const job: XmlJob = { op, doc: str(a, 0), nsmap: str(a, 1), xpath: str(a, 2), maxBytes: c.maxBytes, opLimit: c.opLimit }
      return run(s, name, job, null, op === 'count' ? -1 : '')
    },
  })

  const withResource = (name: string, op: 'transform' | 'xsd' | 'dtd'): FunctionSpec => {
    const kind: XmlKind = op === 'transform' ? 'xslt' : op
    return {
      min: 2, max: 2, suspends: true,
      checkCall: resourceCheck(name, kind),
      fn: (s, a) => {
        if (!support.ok) return fail(s, name, support.reason, -1)
        const c = catalogOf(s)
        const which = str(a, 1)
        // Compiled here even when a worker runs the call: a broken one fails without a round trip.
        const compiled = c.get(kind, which)
        if (!compiled.ok) return fail(s, name, `the ${XML_KIND_LABEL[kind]}: ${compiled.reason}`, -1)
        const job: XmlJob = { op, doc: str(a, 0), source: c.source(kind, which), maxBytes: c.maxBytes, opLimit: c.opLimit }
        return run(s, name, job, compiled.handle, -1)
      },
    }
  }

  return {
    functions: {
      'xml.xpath.matchNodeCount': xpath('xml.xpath.matchNodeCount', 'count'),
      'xml.xpath.matchNodeSet': xpath('xml.xpath.matchNodeSet', 'nodeset'),
      'xml.xslt.transform': withResource('xml.xslt.transform', 'transform'),
      'xml.validate.xsd': withResource('xml.validate.xsd', 'xsd'),
      'xml.validate.dtd': withResource('xml.validate.dtd', 'dtd'),
    },
    // The first validation function took a DTD; XML Schema support came later, beside it.
    aliases: { 'xml.validate': { target: 'xml.validate.dtd', deprecated: true } },
  }
}

/** xml.* over the process's XML support. */
export const xmlModule: LibraryModule = createXmlModule(xmlSupport())
