/**
 * The snapshot's XML catalog: stylesheets, schemas and DTDs from `extra_files/`, compiled once
 * per configuration for the xml.* rule functions. A file that names or shows its kind and does
 * not compile is a configuration error, with the line the XML library reported.
 * @module
 */
import type { Diagnostic, ValidConfig } from '../config/index.ts'
import { XML_OP_LIMIT, XmlCatalog, xmlSupport, type XmlSupport } from '../rules/index.ts'

const LABEL = { xslt: 'XSLT stylesheet', xsd: 'XML Schema', dtd: 'DTD' } as const

export function buildXmlCatalog(config: ValidConfig, problems: Diagnostic[], support: XmlSupport = xmlSupport()): XmlCatalog {
  const catalog = new XmlCatalog(support, config.extraFiles, {
    maxBytes: config.globalSettings.trafficscript.xml_max_size,
    opLimit: XML_OP_LIMIT,
  })
  for (const p of catalog.compileKnown()) {
    problems.push({ objectType: 'extra_files', objectName: p.name, reason: `not a valid ${LABEL[p.kind]}: ${p.reason}` })
  }
  return catalog
}
