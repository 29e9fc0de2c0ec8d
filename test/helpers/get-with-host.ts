/**
 * A GET with a Host header of the test's choosing (fetch() always sends its own; node:http sends
 * the one given), answering the body as latin1 text.
 * @module
 */
import { request } from 'node:http'

export function getWithHost(url: string, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      let text = ''
      res.setEncoding('latin1')
      res.on('data', (c: string) => (text += c))
      res.on('end', () => {
        resolve(text)
      })
    })
    req.on('error', reject)
    req.end()
  })
}
