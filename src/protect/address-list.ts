/**
 * Address lists of a protection class (`access_restriction.allowed` and `.banned`): single
 * addresses and CIDR ranges, IPv4 and IPv6, matched with Node's BlockList.
 * @module
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net'

/** A compiled address list; `matches` takes an address as the engines report it. */
export interface AddressList {
  readonly size: number
  matches(address: string): boolean
}

/** Builds a list, or says which entry is not an address or a CIDR range and why. */
export function buildAddressList(entries: readonly string[]): { list: AddressList } | { bad: string; reason: string } {
  const blocks = new BlockList()
  for (const raw of entries) {
    const entry = raw.trim()
    const slash = entry.indexOf('/')
    const address = slash < 0 ? entry : entry.slice(0, slash)
    const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null
    if (type === null) return { bad: raw, reason: 'is not an IPv4 or IPv6 address' }
    if (slash < 0) {
      blocks.addAddress(address, type)
      continue
    }
    const bitsText = entry.slice(slash + 1)
    const bits = Number(bitsText)
    const most = type === 'ipv4' ? 32 : 128
    if (!/^\d{1,3}$/.test(bitsText) || bits > most) return { bad: raw, reason: `has a prefix length outside 0-${most}` }
    blocks.addSubnet(address, bits, type)
  }
  const size = entries.length
  // A BlockList lookup crosses into C++ (about 0.25 µs); clients repeat, so answers are kept
  // for the most recent addresses (forgotten all at once when the memo is full).
  const memo = new Map<string, boolean>()
  return {
    list: {
      size,
      matches: (address: string) => {
        if (size === 0) return false
        let found = memo.get(address)
        if (found === undefined) {
          if (memo.size >= MEMO_SIZE) memo.clear()
          found = blocks.check(address, isIPv6(address) ? 'ipv6' : 'ipv4')
          memo.set(address, found)
        }
        return found
      },
    },
  }
}

/** Addresses whose answer a list remembers. */
const MEMO_SIZE = 4096
