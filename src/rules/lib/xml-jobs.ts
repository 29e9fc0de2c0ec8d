/**
 * One xml.* call as data, and running it on the addon: the same code runs on the event loop for
 * small bodies and in the XML worker for large ones, so both give the same answers.
 * @module
 */
import { compileXml, type XmlCompiled, type XmlSource } from './xml-catalog.ts'
import type { XmlAddon, XmlHandle, XmlSupport } from './xml-native.ts'

export type XmlJob =
  | { readonly op: 'count' | 'nodeset'; readonly doc: string; readonly nsmap: string; readonly xpath: string; readonly maxBytes: number; readonly opLimit: number }
  | { readonly op: 'transform' | 'xsd' | 'dtd'; readonly doc: string; readonly source: XmlSource; readonly maxBytes: number; readonly opLimit: number }

/** What a job gave: the function's value, or why it failed (the caller returns its error value). */
export type XmlJobResult = { readonly ok: true; readonly value: number | string } | { readonly ok: false; readonly reason: string }

/** Runs a job whose stylesheet, schema or DTD (if any) is already compiled as `handle`. */
export function runXmlJob(addon: XmlAddon, job: XmlJob, handle: XmlHandle | null): XmlJobResult {
  const fail = (): XmlJobResult => ({ ok: false, reason: addon.lastError() })
  switch (job.op) {
    case 'count': {
      const n = addon.xpathCount(job.doc, job.nsmap, job.xpath, job.maxBytes, job.opLimit)
      return n < 0 ? fail() : { ok: true, value: n }
    }
    case 'nodeset': {
      const text = addon.xpathNodeSet(job.doc, job.nsmap, job.xpath, job.maxBytes, job.opLimit)
      return text === null ? fail() : { ok: true, value: text }
    }
    case 'transform': {
      if (handle === null) return { ok: false, reason: 'no stylesheet' }
      const out = addon.transform(handle, job.doc, job.maxBytes, job.opLimit)
      return out === null ? fail() : { ok: true, value: out }
    }
    case 'xsd':
    case 'dtd': {
      if (handle === null) return { ok: false, reason: `no ${job.op === 'xsd' ? 'schema' : 'DTD'}` }
      const r = job.op === 'xsd' ? addon.validateXsd(handle, job.doc, job.maxBytes) : addon.validateDtd(handle, job.doc, job.maxBytes)
      return r < 0 ? fail() : { ok: true, value: r }
    }
  }
}

const SOURCES_KEPT = 64

/** Compiled sources by text, for a thread that receives sources rather than handles (a worker). */
export class XmlSourceCache {
  readonly #support: XmlSupport
  readonly #compiled = new Map<string, XmlCompiled>()

  constructor(support: XmlSupport) {
    this.#support = support
  }

  get(source: XmlSource): XmlCompiled {
    const key = `${source.kind}\0${String(source.names.length)}\0${source.text}`
    const hit = this.#compiled.get(key)
    if (hit !== undefined) return hit
    const r = compileXml(this.#support, source.kind, source.text, source.names, source.texts)
    if (this.#compiled.size >= SOURCES_KEPT) {
      const oldest = this.#compiled.keys().next()
      if (oldest.done !== true) this.#compiled.delete(oldest.value)
    }
    this.#compiled.set(key, r)
    return r
  }
}
