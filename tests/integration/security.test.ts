/**
 * Issue 11, "Security findings to close": static serving that follows symlinks, forged certificate subjects,
 * the browser-mode opener and its Host names, and what the workflow audits. Real files, symlinks, sockets and
 * TLS servers; the desktop shell's side is in tests/shell/desktop-security.test.ts.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { request } from 'node:http'
import { hostname, networkInterfaces, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startWebHost, type WebHost } from '../../src/main/web/host'
import { resolveStatic } from '../../src/main/web/staticFiles'
import { startOneTimeLink } from '../../src/main/web/opener'
import { parseWebArgs, WEB_HELP } from '../../src/main/web/args'
import type { HandshakeEvent } from '../../src/shared/events'
import { recordingManager } from '../helpers/events'
import { startWsServer } from '../helpers/servers'
import { FORGED_CN, FORGED_SUBJECT, makeCertWithSubject, parseRfc4514 } from '../helpers/forgedCert'
import { ESCAPING_PATHS, OUTSIDE_SECRET, plantSymlinkTrap } from '../helpers/symlinkTrap'

const ROOT = resolve(import.meta.dirname, '..', '..')
const temps: string[] = []
const tempDir = (prefix: string): string => {
  const d = mkdtempSync(join(tmpdir(), prefix))
  temps.push(d)
  return d
}
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true })
})

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {}
): Promise<{ status: number; body: string; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, location: res.headers.location }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('security: static serving stays inside the renderer folder (symlinks included)', () => {
  let host: WebHost | null = null
  afterEach(async () => {
    await host?.close()
    host = null
  })

  it('finding 1: the browser-mode host refuses symlinks that lead outside the folder', async () => {
    const { dir } = plantSymlinkTrap(tempDir('sockscope-sec-'))
    host = await startWebHost({
      port: 0,
      host: '127.0.0.1',
      rendererDir: dir,
      dataDir: tempDir('sockscope-sec-data-'),
      version: 't',
      log: () => undefined
    })
    // Reached through its own symlinked folder, the UI is served; a link that stays inside is fine.
    expect((await get(host.port, '/')).status).toBe(200)
    expect(await get(host.port, '/alias.js')).toMatchObject({ status: 200, body: 'console.log(1)' })
    for (const path of ESCAPING_PATHS) {
      const r = await get(host.port, path)
      expect(r.status, path).toBe(404)
      expect(r.body, path).not.toContain(OUTSIDE_SECRET)
      expect(r.body, path).not.toMatch(/root:/)
    }
  })

  it('finding 1: the resolver (also behind app://) answers with the real path, inside the real folder only', () => {
    const { dir, realDir } = plantSymlinkTrap(tempDir('sockscope-sec-'))
    for (const path of ESCAPING_PATHS) expect(resolveStatic(dir, path), path).toBeNull()
    expect(resolveStatic(dir, '/alias.js')).toBe(join(realDir, 'assets', 'a.js'))
    expect(readFileSync(resolveStatic(dir, '/')!, 'utf8')).toContain('<title>t</title>')
  })
})

describe('security: a certificate subject cannot forge an organisation', () => {
  it('finding 2: a CN of "x, O=Google LLC" stays inside the CN (RFC 4514 escaping, fields apart)', async () => {
    const { cert, key } = makeCertWithSubject(FORGED_SUBJECT)
    const server = await startWsServer({ tls: { cert, key } })
    const { manager, waitFor } = recordingManager()
    try {
      manager.open({ url: server.url, tls: { allowInvalidCertificates: true } })
      const leaf = (await waitFor<HandshakeEvent>((e) => e.type === 'handshake')).tls!.chain[0]
      const shown = parseRfc4514(leaf.subject)
      // Read as RFC 4514 says (or by eye): one organisation, the real one; the CN holds the whole forged text.
      expect(shown.filter((a) => a.name === 'O').map((a) => a.value)).toEqual(['Real Org'])
      expect(shown).toEqual([...FORGED_SUBJECT].reverse().map((a) => ({ name: a.shortName, value: a.value })))
      expect(leaf.subject).toBe('CN=x\\, O=Google LLC,OU=\\#1\\+2\\; \\<a\\>\\0Asecond line,O=Real Org,C=US')
      expect(parseRfc4514(leaf.issuer)).toEqual(shown) // self-signed: the issuer is escaped the same way
      // For the detail pane: one field per attribute, most specific first; a line break cannot start a fake line.
      expect(leaf.subjectFields).toEqual([
        { name: 'CN', value: FORGED_CN },
        { name: 'OU', value: '#1+2; <a>\\0Asecond line' },
        { name: 'O', value: 'Real Org' },
        { name: 'C', value: 'US' }
      ])
      expect(leaf.issuerFields).toEqual(leaf.subjectFields)
    } finally {
      manager.dispose()
      await server.close()
    }
  })
})

describe('security: the browser-mode opener and the Host names it answers', () => {
  let host: WebHost | null = null
  afterEach(async () => {
    await host?.close()
    host = null
  })

  it('finding 3: the one-time link redirects once to the tokened URL, then answers 410 and warns; foreign Hosts get nothing', async () => {
    const target = 'http://127.0.0.1:1/?token=0123456789abcdef0123456789abcdef'
    const warnings: string[] = []
    const link = await startOneTimeLink(target, { log: (l) => warnings.push(l) })
    try {
      expect(link.url).not.toContain('0123456789abcdef')
      const u = new URL(link.url)
      const port = Number(u.port)
      expect(await get(port, u.pathname, { Host: `evil.example:${port}` })).toMatchObject({ status: 403 })
      expect(await get(port, '/open/0000')).toMatchObject({ status: 404 })
      expect(warnings).toEqual([]) // neither of those used the link up
      expect(await get(port, u.pathname)).toMatchObject({ status: 303, location: target })
      const again = await get(port, u.pathname)
      expect(again.status).toBe(410)
      expect(again.body).toMatch(/already used/)
      expect(again.location).toBeUndefined()
      expect(warnings.join('\n')).toMatch(/opened a second time.*another program on this machine/s)
    } finally {
      await link.close()
    }
  })

  it('finding 3: the one-time link stops answering once it expires', async () => {
    const link = await startOneTimeLink('http://127.0.0.1:1/?token=x', { ttlMs: 50 })
    const u = new URL(link.url)
    await new Promise((r) => setTimeout(r, 200))
    await expect(get(Number(u.port), u.pathname)).rejects.toThrow(/ECONNREFUSED/)
  })

  it("finding 3: --allow-remote answers to the machine's own names and addresses, and still refuses other names", async () => {
    host = await startWebHost({
      port: 0,
      host: '0.0.0.0',
      allowRemote: true,
      rendererDir: plantSymlinkTrap(tempDir('sockscope-sec-')).dir,
      dataDir: tempDir('sockscope-sec-data-'),
      version: 't',
      log: () => undefined
    })
    const p = host.port
    const lan = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && !a.internal && a.family === 'IPv4')?.address
    const names = [hostname().toLowerCase(), '0.0.0.0', ...(lan ? [lan] : [])]
    for (const name of names) expect((await get(p, '/', { Host: `${name}:${p}` })).status, name).toBe(200)
    for (const name of ['evil.example', `${hostname()}.evil.example`])
      expect((await get(p, '/', { Host: `${name}:${p}` })).status, name).toBe(403)
    await host.close()
    // Loopback-only (the default) still answers to loopback names alone.
    host = await startWebHost({
      port: 0,
      host: '127.0.0.1',
      rendererDir: plantSymlinkTrap(tempDir('sockscope-sec-')).dir,
      dataDir: tempDir('sockscope-sec-data-'),
      version: 't',
      log: () => undefined
    })
    expect((await get(host.port, '/', { Host: `${hostname()}:${host.port}` })).status).toBe(403)
    expect(parseWebArgs(['--help'])).toMatchObject({ help: true })
    expect(WEB_HELP).toMatch(/host name/)
    expect(WEB_HELP).toMatch(/DNS rebinding/)
  })
})

describe('security: what ships is audited', () => {
  it('finding 5: the workflow audits every dependency (Electron and the bundled renderer are devDependencies)', () => {
    const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown }
    const dir = join(ROOT, '.github', 'workflows')
    type Step = { name?: string; run?: string; if?: string }
    const audits: Array<{ job: string; step: Step }> = []
    for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
      const wf = yaml.load(readFileSync(join(dir, file), 'utf8')) as { jobs: Record<string, { steps?: Step[] }> }
      for (const [job, { steps = [] }] of Object.entries(wf.jobs))
        for (const step of steps) if (/\bnpm audit\b/.test(step.run ?? '')) audits.push({ job: `${file}:${job}`, step })
    }
    expect(audits.length).toBeGreaterThan(0)
    for (const { job, step } of audits) {
      // --omit=dev (or --production, --only=prod) would skip electron, vue, codemirror… everything the app ships.
      expect(step.run, job).not.toMatch(/--omit[= ]dev|--production|--only[= ]prod/)
      expect(step.run, job).toMatch(/--audit-level[= ](low|moderate|high)\b/)
    }
  })
})
