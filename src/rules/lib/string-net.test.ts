import assert from 'node:assert/strict'
import { isIP } from 'node:net'
import { test } from 'node:test'
import fc from 'fast-check'
import { ipMaskMatch } from './string-net.ts'

/** ipMaskMatch as first written, in BigInt for both families: the reference for the IPv4 path. */
function reference(ipText: string, mask: string): boolean {
  const parse = (text: string): { family: 4 | 6; value: bigint } | null => {
    const fam = isIP(text)
    if (fam === 4) {
      let v = 0n
      for (const part of text.split('.')) v = (v << 8n) | BigInt(Number(part))
      return { family: 4, value: v }
    }
    // IPv6 is not what this test is about: any IPv6 text stands for one fixed address.
    return fam === 6 ? { family: 6, value: 1n } : null
  }
  const bitsOf = (family: 4 | 6, prefix: number): bigint => {
    const width = family === 4 ? 32 : 128
    if (prefix <= 0) return 0n
    if (prefix >= width) return (1n << BigInt(width)) - 1n
    return ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix)
  }
  const ip = parse(ipText.trim())
  if (ip === null) return false
  const m = mask.trim()
  if (ip.family === 4 && /^(\d{1,3}\.){1,3}$/.test(m)) return ipText.trim().startsWith(m)
  const slash = m.indexOf('/')
  const net = parse(slash < 0 ? m : m.slice(0, slash))
  if (net === null || net.family !== ip.family) return false
  let bits: bigint
  if (slash < 0) bits = bitsOf(ip.family, 128)
  else {
    const rest = m.slice(slash + 1)
    const dotted = parse(rest)
    if (dotted !== null && dotted.family === 4 && ip.family === 4) bits = dotted.value
    else if (/^\d+$/.test(rest)) bits = bitsOf(ip.family, Number(rest))
    else return false
  }
  return (ip.value & bits) === (net.value & bits)
}

test('string.ipmaskmatch on IPv4 addresses agrees with the BigInt definition', () => {
  const cases: [string, string, boolean][] = [
    ['10.1.2.3', '10.0.0.0/8', true], ['11.1.2.3', '10.0.0.0/8', false], ['192.168.1.77', '192.168.1.0/255.255.255.0', true],
    ['192.168.2.77', '192.168.1.0/24', false], ['10.0.1.5', '10.0.1.', true], ['10.0.10.5', '10.0.1.', false],
    ['10.0.0.1', '10.0.0.1', true], [' 10.0.0.1 ', ' 10.0.0.0/31 ', true], ['255.255.255.255', '0.0.0.0/0', true],
    ['1.2.3.4', '1.2.3.4/33', true], ['1.2.3.4', '1.2.3.5/32', false], ['01.2.3.4', '1.0.0.0/8', false], ['1.2.3.4', '::1', false],
    ['1.2.3.4', '1.2.3.0/x', false], ['256.1.1.1', '0.0.0.0/0', false], ['1.2.3', '1.0.0.0/8', false],
  ]
  for (const [ip, mask, want] of cases) {
    assert.equal(ipMaskMatch(ip, mask), want, `${ip} ${mask}`)
    assert.equal(reference(ip, mask), want, `reference: ${ip} ${mask}`)
  }
  const part = fc.oneof(fc.integer({ min: 0, max: 260 }).map(String), fc.constantFrom('01', '00', '', 'a', '1a', '0', '255', '999'))
  const ip = fc.tuple(part, part, part, part).map((p) => p.join('.'))
  const mask = fc.oneof(
    fc.tuple(ip, fc.oneof(fc.integer({ min: -1, max: 40 }).map(String), ip, fc.constantFrom('', 'x', '24 '))).map(([n, b]) => `${n}/${b}`),
    ip,
    fc.tuple(part, part).map(([a, b]) => `${a}.${b}.`),
    fc.constantFrom('::1', '::/0', '10.', ' 10.0.0.0/8 '),
  )
  fc.assert(fc.property(ip, mask, (i, m) => {
    assert.equal(ipMaskMatch(i, m), reference(i, m), `${i} ${m}`)
  }), { numRuns: 5000 })
})
