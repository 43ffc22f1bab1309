/**
 * Large exports in browser mode: the file is written on the host, then offered once at an unguessable URL
 * (128 random bits) that the page downloads like any link, streamed from disk. A bridge frame could not carry
 * a recording of hundreds of megabytes. An offer is single-use and expires; its file is deleted after.
 */
import { createReadStream, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import type { ServerResponse } from 'node:http'

const LIFETIME_MS = 10 * 60 * 1000

interface Offer {
  path: string
  name: string
  mime: string
  timer: NodeJS.Timeout
}

export class Downloads {
  private readonly offers = new Map<string, Offer>()

  /** `dir` holds the export files; what a previous run left there is removed. */
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    for (const f of readdirSync(dir)) rmSync(`${dir}/${f}`, { force: true })
  }

  offer(path: string, name: string, mime: string): string {
    const id = randomBytes(16).toString('hex')
    const timer = setTimeout(() => this.drop(id), LIFETIME_MS)
    timer.unref()
    this.offers.set(id, { path, name, mime, timer })
    return `/download/${id}`
  }

  private drop(id: string): void {
    const o = this.offers.get(id)
    if (!o) return
    clearTimeout(o.timer)
    this.offers.delete(id)
    rmSync(o.path, { force: true })
  }

  /** Serves `/download/<id>` once; false when the path is not a live offer. */
  serve(pathname: string, res: ServerResponse, headers: Record<string, string>): boolean {
    const id = /^\/download\/([0-9a-f]{32})$/.exec(pathname)?.[1]
    const o = id ? this.offers.get(id) : undefined
    if (!id || !o) return false
    this.offers.delete(id)
    clearTimeout(o.timer)
    res.writeHead(200, {
      ...headers,
      'Content-Type': o.mime,
      // RFC 6266: the name as typed where it is ASCII, and UTF-8 encoded for the rest.
      'Content-Disposition': `attachment; filename="${o.name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(o.name)}`
    })
    const stream = createReadStream(o.path)
    stream.pipe(res)
    const done = (): void => rmSync(o.path, { force: true })
    stream.once('close', done)
    stream.once('error', () => res.destroy())
    return true
  }

  dispose(): void {
    for (const id of [...this.offers.keys()]) this.drop(id)
  }
}
