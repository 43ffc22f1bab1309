/** Child process for the crash test: saves new versions of a document through JsonFile until killed. */
import { JsonFile } from '../../src/main/store/jsonFile'

const [path, id] = process.argv.slice(2)
const file = new JsonFile<{ version: string; profiles: Array<{ name: string }>; check: number }>({
  path,
  parse: (raw) => raw as never,
  empty: () => ({ version: '', profiles: [], check: 0 })
})
let n = 0
process.send?.('ready')
for (;;) {
  const profiles = Array.from({ length: 400 }, (_, i) => ({ name: `writer ${id} version ${n} profile ${i} ${'x'.repeat(40)}` }))
  file.write({ version: `${id}/${n}`, profiles, check: profiles.length })
  n++
}
