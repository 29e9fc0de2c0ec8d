import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { XML_OP_LIMIT, compileXml } from './xml-catalog.ts'
import { xmlSupport } from './xml-native.ts'

// Pieces hostile and broken documents are made of, so random documents get past the first byte.
const PIECES = ['<a>', '</a>', '<b x="1">', '</b>', '<!DOCTYPE a [', '<!ENTITY e "', '&e;', '&#0;', '&#x110000;', ']>', '<?xml version="1.0"?>',
  '<![CDATA[', ']]>', '<!--', '-->', 'xmlns:p="urn:p"', '<p:c/>', '\u00ff', '\u0000', ' ', '"', "'", '&', '<', '>', 'text']
const doc = fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((parts) => parts.join(''))
const expr = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('//a', '//p:c', '/a/b/@x', 'count(//*)', 'string(/)', '//*[', 'p:', '//namespace::*'))
const nsmap = fc.oneof(fc.constant(''), fc.constant('xmlns:p=urn:p'), fc.string({ maxLength: 20 }))

test('random and broken documents, maps and expressions give a value or the error value, never a crash', () => {
  const support = xmlSupport()
  assert.ok(support.ok)
  const a = support.addon
  const sheet = compileXml(support, 'xslt', '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:template match="/"><o><xsl:copy-of select="."/></o></xsl:template></xsl:stylesheet>')
  const schema = compileXml(support, 'xsd', '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="a"/></xs:schema>')
  assert.ok(sheet.ok && schema.ok)
  fc.assert(
    fc.property(doc, nsmap, expr, (d, m, x) => {
      const n = a.xpathCount(d, m, x, 1 << 20, XML_OP_LIMIT)
      assert.ok(Number.isInteger(n) && n >= -1)
      const s = a.xpathNodeSet(d, m, x, 1 << 20, XML_OP_LIMIT)
      assert.ok(s === null || typeof s === 'string')
      const t = a.transform(sheet.handle, d, 1 << 20, XML_OP_LIMIT)
      assert.ok(t === null || typeof t === 'string')
      assert.ok([1, 0, -1].includes(a.validateXsd(schema.handle, d, 1 << 20)))
      if (n < 0) assert.notEqual(a.lastError(), '')
    }),
    { numRuns: 400, seed: 18 },
  )
})

test('random stylesheet, schema and DTD text compiles or fails with a reason', () => {
  const support = xmlSupport()
  assert.ok(support.ok)
  fc.assert(
    fc.property(doc, fc.constantFrom('xslt' as const, 'xsd' as const, 'dtd' as const), (text, kind) => {
      const r = compileXml(support, kind, text)
      if (!r.ok) assert.ok(r.reason.length > 0)
    }),
    { numRuns: 300, seed: 18 },
  )
})
