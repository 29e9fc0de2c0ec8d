import assert from 'node:assert/strict'
import { test } from 'node:test'
import { XML_OP_LIMIT, compileXml, type XmlCompiled } from './xml-catalog.ts'
import { runXmlJob, type XmlJob } from './xml-jobs.ts'
import { xmlSupport } from './xml-native.ts'
import { XML_WORKER_MIN_BYTES, XmlWorkerPool } from './xml-workers.ts'

const MAX = 4 << 20
const big = (n: number): string => `<list xmlns:o="urn:o">${Array.from({ length: n }, (_, i) => `<o:e n="${i}">${'v'.repeat(20)}</o:e>`).join('')}</list>`
const SHEET = '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:o="urn:o"><xsl:output method="text"/><xsl:template match="/"><xsl:value-of select="count(//o:e[@n mod 2 = 0])"/></xsl:template></xsl:stylesheet>'
const XSD = '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="list"><xs:complexType><xs:sequence><xs:any processContents="skip" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element></xs:schema>'

test('the worker gives the answers the event loop gives, for every kind of call', async (t) => {
  const support = xmlSupport()
  assert.ok(support.ok)
  const pool = new XmlWorkerPool({ maxQueued: 8, deadlineMs: 30_000 })
  t.after(() => pool.close())
  const doc = big(5000)
  assert.ok(doc.length > XML_WORKER_MIN_BYTES)
  const source = (kind: 'xslt' | 'xsd' | 'dtd', text: string) => ({ kind, text, names: [], texts: [] })
  const jobs: XmlJob[] = [
    { op: 'count', doc, nsmap: 'xmlns:p=urn:o', xpath: '//p:e[@n > 4990]', maxBytes: MAX, opLimit: XML_OP_LIMIT },
    { op: 'nodeset', doc, nsmap: 'xmlns:p=urn:o', xpath: '//p:e[@n = 7]', maxBytes: MAX, opLimit: XML_OP_LIMIT },
    { op: 'transform', doc, source: source('xslt', SHEET), maxBytes: MAX, opLimit: XML_OP_LIMIT },
    { op: 'xsd', doc, source: source('xsd', XSD), maxBytes: MAX, opLimit: XML_OP_LIMIT },
    { op: 'dtd', doc: doc.replace('<list ', '<lost ').replace('</list>', '</lost>'), source: source('dtd', '<!ELEMENT list ANY>'), maxBytes: MAX, opLimit: XML_OP_LIMIT },
    { op: 'count', doc: doc.slice(0, -3), nsmap: '', xpath: '/', maxBytes: MAX, opLimit: XML_OP_LIMIT },
  ]
  const results = await Promise.all(jobs.map((j) => pool.run(j)))
  for (const [i, job] of jobs.entries()) {
    const compiled: XmlCompiled | null = 'source' in job ? compileXml(support, job.source.kind, job.source.text) : null
    const handle: object | null = compiled?.ok === true ? compiled.handle : null
    assert.deepEqual(results[i], runXmlJob(support.addon, job, handle), `job ${String(i)} (${job.op})`)
  }
  assert.deepEqual(results.slice(0, 5).map((r) => (r.ok ? r.value : r.reason)), [9, '<o:e n="7">vvvvvvvvvvvvvvvvvvvv</o:e>', '2500', 1, 0])
  assert.ok(!results[5]?.ok)
})

test('past its queue bound the worker refuses at once; past the deadline a call fails', async (t) => {
  const busy = new XmlWorkerPool({ maxQueued: 1, deadlineMs: 30_000 })
  t.after(() => busy.close())
  const job: XmlJob = { op: 'count', doc: big(20_000), nsmap: '', xpath: '//*', maxBytes: MAX, opLimit: XML_OP_LIMIT }
  const [first, second] = await Promise.all([busy.run(job), busy.run(job)])
  assert.deepEqual(first, { ok: true, value: 20_001 })
  assert.deepEqual(second, { ok: false, reason: 'the XML worker is busy (1 large documents waiting)' })

  const slow = new XmlWorkerPool({ maxQueued: 4, deadlineMs: 1 })
  t.after(() => slow.close())
  assert.deepEqual(await slow.run(job), { ok: false, reason: 'the XML worker did not answer within 1 ms' })
})

test('a stopped worker fails what waits, and the next call starts a new one', async (t) => {
  const pool = new XmlWorkerPool({ maxQueued: 4, deadlineMs: 30_000 })
  t.after(() => pool.close())
  const job: XmlJob = { op: 'count', doc: '<a/>', nsmap: '', xpath: '/a', maxBytes: MAX, opLimit: XML_OP_LIMIT }
  const waiting = pool.run(job)
  await pool.close()
  assert.deepEqual(await waiting, { ok: false, reason: 'the XML worker was stopped' })
  assert.deepEqual(await pool.run(job), { ok: true, value: 1 })
})
