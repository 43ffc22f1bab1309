/** Remembers the window's size and position across launches. Electron-free: plain JSON in the data folder. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileSafely } from '../store/safeWrite'

export interface WindowBounds {
  x?: number
  y?: number
  width: number
  height: number
  maximized?: boolean
}

export const DEFAULT_BOUNDS: WindowBounds = { width: 1280, height: 820 }

const file = (dataDir: string): string => join(dataDir, 'window-state.json')

export function loadWindowState(dataDir: string): WindowBounds {
  try {
    const b = JSON.parse(readFileSync(file(dataDir), 'utf8')) as Partial<WindowBounds>
    const num = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n)
    if (!num(b.width) || !num(b.height) || b.width < 400 || b.height < 300) return DEFAULT_BOUNDS
    return {
      width: Math.round(b.width),
      height: Math.round(b.height),
      ...(num(b.x) && num(b.y) ? { x: Math.round(b.x), y: Math.round(b.y) } : {}),
      maximized: b.maximized === true
    }
  } catch {
    return DEFAULT_BOUNDS
  }
}

/** Writes the bounds safely; a failure (full disk) is returned, not thrown: the window still closes. */
export function saveWindowState(dataDir: string, b: WindowBounds): string | null {
  try {
    writeFileSafely(file(dataDir), JSON.stringify(b), { verify: (text) => void JSON.parse(text) })
    return null
  } catch (err) {
    return (err as Error).message
  }
}
