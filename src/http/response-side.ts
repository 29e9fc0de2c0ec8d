/**
 * The response side of an HTTP transaction, towards the client: takes the node's response head,
 * runs response rules, decides whether the client connection stays open, and forwards head
 * and body (as received when possible, with hop-by-hop lines cut out in place, or rebuilt), or
 * turns an upgrade into a tunnel.
 * @module
 */
import type { HttpService } from './http-service.ts'
import { spliceHeadInPlace } from './head-splice.ts'
import { BODY_UNTIL_CLOSE } from './message-body.ts'
import { CLIENT_CLOSE, CLIENT_KEEP, CLIENT_KEEP_10, CLIENT_UPGRADE, buildClientResponseHead, isDroppedForKeptClient } from './outgoing-head.ts'
import type { RequestHead } from './request-head.ts'
import type { ResponseHead } from './response-head.ts'
import { RuleSide } from './rule-side.ts'
import { S_EXCHANGE, S_TUNNEL, T_IDLE, T_NONE } from './transaction-base.ts'

/** Response body bytes copied behind a rewritten head to send both in one write. */
const SMALL_BODY_BYTES = 16384

export abstract class ResponseSide extends RuleSide {
  onHead(res: ResponseHead, buf: Buffer, headStart: number, bodyStart: number): void {
    const req = this.req
    const svc = this.svc
    if (req === null || svc === null) return
    this.nodeResponseMs = this.deps.clock.monoMs() - this.sentMono
    this.node?.status.recordResponseTime(this.nodeResponseMs)
    this.sentHead = ''
    this.sentBody = null
    if (res.status === 101) {
      this.startTunnel(res, bodyStart < buf.length ? buf.subarray(bodyStart) : null)
      return
    }
    if (!this.relay.frame(res, req.method === 'HEAD', buf, bodyStart)) {
      this.failNode(502)
      return
    }
    const rules = this.rules
    if (rules !== null) {
      rules.view.res = res
      for (const [name, value] of rules.decision.addResponseHeaders) res.headers.push(name, value)
      if (rules.decision.addResponseHeaders.length > 0) res.needsRewrite = true
      if (svc.rules.response.length > 0) {
        rules.view.node = this.node?.id ?? ''
        rules.view.serverResponseMs = this.nodeResponseMs
        const conn = this.conn
        conn?.socket.pause()
        // The rules may look at `buf` after this read returns.
        conn?.pinReadBuffer()
        // The node has replied: max_reply_time no longer applies. Rules limit their own run
        // time; a rule waiting on something is bounded like any idle wait.
        this.arm(T_IDLE, svc.idleTimeoutMs)
        rules.runResponse(res, buf, bodyStart, () => {
          if (this.conn !== conn || this.state !== S_EXCHANGE) return
          conn?.socket.resume()
          this.afterResponseRules(res, buf, headStart, bodyStart)
        })
        return
      }
    }
    this.forwardResponse(res, buf, headStart, bodyStart)
  }

  protected forwardResponse(res: ResponseHead, buf: Buffer, headStart: number, bodyStart: number): void {
    const req = this.req
    const svc = this.svc
    if (req === null || svc === null) return
    this.resMode = this.clientMode(req, svc)
    this.arm(T_IDLE, svc.idleTimeoutMs)
    if (headStart === 0 && this.resMode === CLIENT_KEEP && res.versionMinor === 1) {
      // The node's bytes go to the client in one write: as they are, or with the hop-by-hop
      // lines (typically `Connection: keep-alive`) cut out in place when no rule edited the head.
      const from = !res.needsRewrite
        ? headStart
        : this.rulesEditedResponse(svc)
          ? -1
          : spliceHeadInPlace(buf, headStart, res, isDroppedForKeptClient)
      if (from !== -1) {
        this.bytesOut -= bodyStart - from
        this.relay.pushBody(buf, bodyStart, from)
        return
      }
    }
    const head = buildClientResponseHead(res, this.resMode)
    const bodyBytes = buf.length - bodyStart
    if (bodyBytes <= SMALL_BODY_BYTES) {
      // The new head and the body bytes at hand go out in one write (not a corked pair).
      const headBytes = Buffer.byteLength(head, 'latin1')
      const both = Buffer.allocUnsafe(headBytes + bodyBytes)
      both.write(head, 0, 'latin1')
      buf.copy(both, headBytes, bodyStart)
      this.bytesOut -= headBytes
      this.relay.pushBody(both, headBytes, 0)
      return
    }
    const queuedBefore = this.socket.writableLength
    this.socket.cork()
    this.socket.write(head, 'latin1')
    this.relay.pushBody(buf, bodyStart)
    this.socket.uncork()
    this.noteClientWrite(queuedBefore)
  }

  /** Response rules ran, or request rules added response headers: the head must be rebuilt. */
  protected rulesEditedResponse(svc: HttpService): boolean {
    const rules = this.rules
    return rules !== null && (svc.rules.response.length > 0 || rules.decision.addResponseHeaders.length > 0)
  }

  protected startTunnel(res: ResponseHead, rest: Buffer | null): void {
    if (!this.isUpgrade) {
      this.failNode(502)
      return
    }
    this.state = S_TUNNEL
    this.arm(T_NONE, 0)
    this.writeClient(Buffer.from(buildClientResponseHead(res, CLIENT_UPGRADE), 'latin1'))
    if (rest !== null) this.writeClient(rest)
    this.socket.resume()
    if (this.pending !== null) {
      const early = this.pending
      this.pending = null
      this.conn?.socket.write(early)
    }
    if (this.clientEnded) this.conn?.socket.end()
  }

  protected clientMode(req: RequestHead, svc: HttpService): number {
    const tokens = req.connection
    if (!svc.keepalive || this.clientEnded || this.deps.lifecycle.isDraining) return CLIENT_CLOSE
    if (this.relay.body.framing === BODY_UNTIL_CLOSE || !this.reqDone) return CLIENT_CLOSE
    if (tokens !== null && tokens.includes('close')) return CLIENT_CLOSE
    if (req.versionMinor === 0) return tokens !== null && tokens.includes('keep-alive') ? CLIENT_KEEP_10 : CLIENT_CLOSE
    return CLIENT_KEEP
  }
}
