/**
 * Raises and lowers this member's traffic IPs on its network interfaces with `ip address`
 * (root, or CAP_NET_ADMIN), announcing each raised address with gratuitous ARP (`arping -U`,
 * when installed) so neighbours send to its new holder at once. An address is raised on the
 * interface whose own IPv4 network holds it, with that network's prefix length.
 * @module
 */
import { execFile } from 'node:child_process'
import { BlockList, isIPv4 } from 'node:net'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** What the keeper runs; tests may replace it. */
export interface IpCommands {
  /** `ip -o -4 address show`: [interface, address, prefix length] of every IPv4 address. */
  addresses(): Promise<[string, string, number][]>
  add(ip: string, prefix: number, dev: string): Promise<void>
  del(ip: string, prefix: number, dev: string): Promise<void>
  announce(ip: string, dev: string): Promise<void>
}

export const SYSTEM_IP_COMMANDS: IpCommands = {
  async addresses() {
    const { stdout } = await run('ip', ['-o', '-4', 'address', 'show'], { timeout: 5000 })
    const out: [string, string, number][] = []
    for (const line of stdout.split('\n')) {
      const m = /^\d+:\s+(\S+)\s+inet\s+([\d.]+)\/(\d+)/.exec(line)
      if (m !== null) out.push([m[1] ?? '', m[2] ?? '', Number(m[3])])
    }
    return out
  },
  async add(ip, prefix, dev) {
    await run('ip', ['address', 'add', `${ip}/${String(prefix)}`, 'dev', dev], { timeout: 5000 })
  },
  async del(ip, prefix, dev) {
    await run('ip', ['address', 'del', `${ip}/${String(prefix)}`, 'dev', dev], { timeout: 5000 })
  },
  async announce(ip, dev) {
    // Three unsolicited ARP replies; without arping the neighbours learn at their next ARP.
    await run('arping', ['-U', '-c', '3', '-w', '3', '-I', dev, ip], { timeout: 5000 }).catch(() => undefined)
  },
}

export interface KeeperEvents {
  raised(ip: string, dev: string): void
  lowered(ip: string, dev: string): void
  failed(ip: string, reason: string): void
}

export class TrafficIpKeeper {
  readonly #cmd: IpCommands
  readonly #events: KeeperEvents
  /** Addresses this member raised: ip to [device, prefix]. */
  readonly #held = new Map<string, [string, number]>()
  /** Addresses that failed, so the failure is told once until it changes. */
  readonly #failed = new Set<string>()
  #busy: Promise<void> = Promise.resolve()

  constructor(events: KeeperEvents, cmd: IpCommands = SYSTEM_IP_COMMANDS) {
    this.#events = events
    this.#cmd = cmd
  }

  /** The addresses this member holds now. */
  held(): string[] {
    return [...this.#held.keys()].sort()
  }

  /** Holds exactly `wanted` (raising what is missing, lowering the rest); one update at a time. */
  update(wanted: ReadonlySet<string>): Promise<void> {
    this.#busy = this.#busy.then(() => this.#update(wanted)).catch(() => undefined)
    return this.#busy
  }

  async #update(wanted: ReadonlySet<string>): Promise<void> {
    for (const [ip, [dev, prefix]] of [...this.#held]) {
      if (wanted.has(ip)) continue
      try {
        await this.#cmd.del(ip, prefix, dev)
      } catch {
        // Already gone (removed by hand, or the interface went away): forgotten all the same.
      }
      this.#held.delete(ip)
      this.#events.lowered(ip, dev)
    }
    const missing = [...wanted].filter((ip) => !this.#held.has(ip))
    if (missing.length === 0) return
    const own = await this.#cmd.addresses()
    for (const ip of missing) {
      const already = own.find(([, addr]) => addr === ip)
      if (already !== undefined) {
        // Already there (raised before a restart, or by hand): taken over as held.
        this.#held.set(ip, [already[0], already[2]])
        continue
      }
      const where = isIPv4(ip) ? own.find(([, addr, prefix]) => inNetwork(ip, addr, prefix)) : undefined
      if (where === undefined) {
        this.#fail(ip, `no interface of this machine has an IPv4 network holding ${ip}`)
        continue
      }
      const [dev, , prefix] = where
      try {
        await this.#cmd.add(ip, prefix, dev)
      } catch (e: unknown) {
        this.#fail(ip, e instanceof Error ? e.message.split('\n')[0] ?? e.message : String(e))
        continue
      }
      this.#held.set(ip, [dev, prefix])
      this.#failed.delete(ip)
      this.#events.raised(ip, dev)
      await this.#cmd.announce(ip, dev)
    }
  }

  #fail(ip: string, reason: string): void {
    if (this.#failed.has(ip)) return
    this.#failed.add(ip)
    this.#events.failed(ip, reason)
  }
}

function inNetwork(ip: string, addr: string, prefix: number): boolean {
  const list = new BlockList()
  list.addSubnet(addr, prefix, 'ipv4')
  return list.check(ip, 'ipv4')
}
