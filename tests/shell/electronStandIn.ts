/**
 * `electron` for the built main bundle run by Node in a child process (no Electron binary here): each export records
 * what is done with it (`app.setPath("userData", …)`, `new BrowserWindow`), and the record is written as JSON to
 * $STAND_IN_REPORT when the process exits. app.exit ends the process and process.exit is app.exit, as in Electron
 * (lib/browser/init.ts). The export names are the shared mock's (electronMock.ts), so they follow what the app imports.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { electronModule } from './electronMock'

const standIn = (): string => `import { writeFileSync } from 'node:fs'
const calls = []
const show = (a) => (typeof a === 'string' ? JSON.stringify(a) : ['number', 'boolean'].includes(typeof a) ? String(a) : typeof a)
const use = (path) =>
  new Proxy(function () {}, {
    get: (_t, key) => (key === 'then' || typeof key === 'symbol' ? undefined : use(path + '.' + key)),
    apply: (_t, _this, args) => (calls.push(path + '(' + args.map(show).join(', ') + ')'), use(path + '()')),
    construct: () => (calls.push('new ' + path), use('new ' + path))
  })
const realExit = process.exit.bind(process)
const exit = (code = 0) => {
  calls.push('app.exit(' + code + ')')
  realExit(code)
}
process.exit = exit
process.on('exit', () => writeFileSync(process.env.STAND_IN_REPORT, JSON.stringify({ calls, argv: process.argv.slice(2) })))
export const app = new Proxy(function () {}, {
  get: (_t, key) => (key === 'exit' ? exit : key === 'then' || typeof key === 'symbol' ? undefined : use('app.' + key))
})
${Object.keys(electronModule())
  .filter((name) => name !== 'app')
  .map((name) => `export const ${name} = use('${name}')`)
  .join('\n')}
`

/**
 * Writes the stand-in and its loader hook into `dir`; returns the Node arguments that install them. With them,
 * `node ARGS out/main/index.js …` runs the bundle as `electron out/main/index.js …` would: process.defaultApp is true
 * (argv[1] is the script).
 */
export function writeElectronStandIn(dir: string): string[] {
  writeFileSync(join(dir, 'electron.mjs'), standIn())
  const standInUrl = pathToFileURL(join(dir, 'electron.mjs')).href
  writeFileSync(
    join(dir, 'loader.mjs'),
    `export const resolve = (specifier, context, next) =>
  specifier === 'electron' ? { url: ${JSON.stringify(standInUrl)}, shortCircuit: true } : next(specifier, context)\n`
  )
  const loaderUrl = pathToFileURL(join(dir, 'loader.mjs')).href
  writeFileSync(
    join(dir, 'register.mjs'),
    `import { register } from 'node:module'\nregister(${JSON.stringify(loaderUrl)})\nprocess.defaultApp = true\n`
  )
  return ['--import', pathToFileURL(join(dir, 'register.mjs')).href]
}
