/**
 * Issue 18: the deb's own after-install and after-remove scripts (build/cli/deb-*.tpl), run for real in a scratch
 * root: the placeholders filled in as electron-builder does, every absolute path moved under the scratch folder, and
 * the system tools the scripts may call replaced by stand-ins that log their arguments. After install,
 * /usr/bin/sockscope is a link to the command-line wrapper (not the app), the sandbox helper has a mode that works,
 * and the AppArmor profile is installed where AppArmor accepts it; after remove, both are gone.
 */
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'
import { afterEach, describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '..', '..')
const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as {
  productName: string
  linux: { executableName: string }
  deb: { afterInstall: string; afterRemove: string }
}

let root = ''
afterEach(() => rmSync(root, { recursive: true, force: true }))

/** The script as electron-builder would fill it in, with /usr, /opt, /etc and /proc under `root`. */
function prepared(template: string, name: string): string {
  const text = readFileSync(join(ROOT, template), 'utf8')
    .replaceAll('${executable}', config.linux.executableName)
    .replaceAll('${sanitizedProductName}', config.productName)
    .replace(/(['" ])\/(usr|opt|etc|proc)\//g, `$1${root}/$2/`)
  const path = join(root, name)
  writeFileSync(path, text)
  chmodSync(path, 0o755)
  return path
}

/** Stand-ins for the tools the scripts call: each logs its arguments; `unshare` fails or works as asked. */
function tools(opts: { namespaces: boolean; apparmor: boolean }): string {
  const bin = join(root, 'tools')
  mkdirSync(bin)
  const tool = (name: string, body: string): void => {
    writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" >> "${root}/calls.log"\n${body}\n`)
    chmodSync(join(bin, name), 0o755)
  }
  tool('unshare', opts.namespaces ? 'exit 0' : 'exit 1')
  tool('update-desktop-database', 'exit 0')
  if (opts.apparmor) tool('apparmor_parser', 'exit 0')
  // Only the stand-ins and the basic commands: the machine's own tools are not reached.
  return `${bin}:/usr/bin:/bin`
}

/** A scratch system with the app unpacked in /opt, then the after-install script run on it. */
function install(opts: { namespaces: boolean; apparmor: boolean }): { env: NodeJS.ProcessEnv; app: string } {
  root = mkdtempSync(join(tmpdir(), 'sockscope-deb-'))
  const app = join(root, 'opt', config.productName)
  for (const d of ['usr/bin', 'etc/apparmor.d', 'proc/self/ns', 'opt/' + config.productName + '/resources/cli'])
    mkdirSync(join(root, d), { recursive: true })
  // A kernel with user namespaces has this link; the script looks for it before trying one.
  if (opts.namespaces) symlinkSync('user:[4026531837]', join(root, 'proc', 'self', 'ns', 'user'))
  writeFileSync(join(app, 'chrome-sandbox'), '')
  writeFileSync(join(app, 'resources', 'apparmor-profile'), 'abi <abi/4.0>,\n')
  writeFileSync(join(app, 'resources', 'cli', config.linux.executableName), '#!/bin/sh\n')
  const env = { PATH: tools(opts) }
  execFileSync('bash', [prepared(config.deb.afterInstall, 'postinst')], { env })
  return { env, app }
}

const calls = (): string => (existsSync(join(root, 'calls.log')) ? readFileSync(join(root, 'calls.log'), 'utf8') : '')

describe('deb scripts', () => {
  it('after install, /usr/bin/sockscope runs the command-line wrapper; the sandbox helper is setuid only without namespaces', () => {
    const { app } = install({ namespaces: false, apparmor: false })
    const link = join(root, 'usr', 'bin', config.linux.executableName)
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readlinkSync(link)).toBe(join(app, 'resources', 'cli', config.linux.executableName))
    expect(statSync(join(app, 'chrome-sandbox')).mode & 0o7777).toBe(0o4755)
    expect(calls()).toContain('update-desktop-database')
    // No AppArmor on this system: no profile installed.
    expect(existsSync(join(root, 'etc', 'apparmor.d', config.linux.executableName))).toBe(false)
  })

  it('with working namespaces and AppArmor: the helper is not setuid, the profile is installed; after remove both are gone', () => {
    const { env, app } = install({ namespaces: true, apparmor: true })
    expect(statSync(join(app, 'chrome-sandbox')).mode & 0o7777).toBe(0o755)
    const profile = join(root, 'etc', 'apparmor.d', config.linux.executableName)
    expect(readFileSync(profile, 'utf8')).toContain('abi <abi/4.0>')
    expect(calls()).toMatch(/apparmor_parser --replace .*apparmor\.d\/sockscope/)
    execFileSync('bash', [prepared(config.deb.afterRemove, 'postrm')], { env })
    expect(existsSync(join(root, 'usr', 'bin', config.linux.executableName))).toBe(false)
    expect(existsSync(profile)).toBe(false)
    expect(calls()).toMatch(/apparmor_parser --remove /)
  })
})
