/** The data folder shared by the desktop app (Electron userData) and browser mode. Electron-free. */
import { homedir } from 'node:os'
import { join } from 'node:path'

export const APP_DIR_NAME = 'Sockscope'

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.SOCKSCOPE_DATA_DIR) return env.SOCKSCOPE_DATA_DIR
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME)
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME)
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_DIR_NAME)
}
