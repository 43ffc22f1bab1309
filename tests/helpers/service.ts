/** A real service on a temporary data folder (profiles and recordings on disk), as both hosts build it. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SockscopeService } from '../../src/main/service/service'
import { ProfileStore } from '../../src/main/store/profileStore'
import { RecordingStore } from '../../src/main/store/recordings'
import { NO_ENCRYPTION } from '../../src/main/store/secrets'

export interface TestService {
  service: SockscopeService
  dir: string
  recordings: RecordingStore
  dispose(): Promise<void>
}

export function newTestService(random?: () => number): TestService {
  const dir = mkdtempSync(join(tmpdir(), 'sockscope-service-'))
  const profiles = new ProfileStore(dir, NO_ENCRYPTION, 'browser')
  profiles.load()
  const recordings = new RecordingStore(join(dir, 'recordings'))
  const service = new SockscopeService({
    appInfo: { mode: 'browser', version: 't', dataDir: dir, platform: process.platform },
    data: { profiles, recordings, version: 't' },
    random
  })
  return {
    service,
    dir,
    recordings,
    dispose: async () => {
      service.dispose()
      await recordings.endAll()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** `global.gc`, exposed at run time so the suite needs no special node flags. */
export async function forceGc(): Promise<void> {
  const v8 = await import('node:v8')
  const vm = await import('node:vm')
  v8.setFlagsFromString('--expose-gc')
  const gc = vm.runInNewContext('gc') as () => void
  gc()
  await new Promise((r) => setImmediate(r))
  gc()
}
