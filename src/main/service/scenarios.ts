/**
 * The Scenarios panel's files (issue 18): the data folder's `scenarios/`, and folders the user opened (a repo, where
 * scenarios live beside the code they test). Opened folders are remembered in `<dataDir>/scenario-folders.json`.
 * Runs are in scenarioRuns.ts. Electron-free.
 */
import { mkdir, readFile, readdir, stat } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import type { ScenarioFileInfo, ScenarioFolder, ScenarioRef } from '../../shared/api'
import { writeFileSafely } from '../store/safeWrite'

/** A file name in the data folder: letters, digits, spaces, dots, dashes and underscores, ending .yaml or .yml. */
export const SCENARIO_NAME = /^[\w .-]+\.ya?ml$/

/** How far into an opened folder the panel looks, so a huge repo cannot stall it. */
const MAX_DEPTH = 6
const MAX_LISTED = 500
/** Folders never worth walking: tools' caches and dependencies, hidden folders (.git). */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'out', 'coverage', 'target', 'vendor'])
/** A YAML file in a repo is a scenario when it has top-level `steps:` (CI files and manifests do not). */
const LOOKS_LIKE_SCENARIO = /^steps\s*:/m

const FOLDERS_FILE = 'scenario-folders.json'

export class ScenarioFiles {
  private opened: string[] | null = null

  constructor(private readonly dataDir: string) {}

  private get dataFolder(): string {
    return join(this.dataDir, 'scenarios')
  }

  private async openedFolders(): Promise<string[]> {
    if (this.opened) return this.opened
    try {
      const doc = JSON.parse(await readFile(join(this.dataDir, FOLDERS_FILE), 'utf8')) as { folders?: unknown }
      this.opened = Array.isArray(doc.folders) ? doc.folders.filter((f): f is string => typeof f === 'string' && isAbsolute(f)) : []
    } catch {
      // None opened yet, or a damaged file: the panel still lists the data folder (the file is rewritten on the next open).
      this.opened = []
    }
    return this.opened
  }

  private async remember(folders: string[]): Promise<void> {
    this.opened = folders
    await mkdir(this.dataDir, { recursive: true })
    writeFileSafely(join(this.dataDir, FOLDERS_FILE), JSON.stringify({ folders }, null, 2), { mode: 0o600, verify: (t) => JSON.parse(t) })
  }

  /** Adds a folder to the panel (an absolute path to an existing folder); the panel's folders after it. */
  async open(path: string): Promise<ScenarioFolder[]> {
    if (!isAbsolute(path)) throw new Error(`"${path}" is not a full path: give the folder's whole path, e.g. /home/me/project.`)
    const folder = resolve(path)
    const s = await stat(folder).catch(() => null)
    if (!s?.isDirectory()) throw new Error(`There is no folder at ${folder}: check the path, or make the folder first.`)
    const folders = await this.openedFolders()
    if (!folders.includes(folder)) await this.remember([...folders, folder])
    return this.list()
  }

  /** Takes a folder off the panel (its files stay where they are). */
  async close(path: string): Promise<ScenarioFolder[]> {
    const folders = await this.openedFolders()
    if (folders.includes(path)) await this.remember(folders.filter((f) => f !== path))
    return this.list()
  }

  /** The data folder first, then each opened folder, with its scenario files (a missing folder says so). */
  async list(): Promise<ScenarioFolder[]> {
    const out: ScenarioFolder[] = [{ path: null, label: 'Data folder', files: await this.dataFiles() }]
    for (const folder of await this.openedFolders()) {
      const label = folder.split(sep).filter(Boolean).pop() ?? folder
      const s = await stat(folder).catch(() => null)
      if (!s?.isDirectory()) {
        out.push({ path: folder, label, files: [], problem: `${folder} is not there any more: close it, or put it back.` })
        continue
      }
      const found: ScenarioFileInfo[] = []
      const truncated = await walk(folder, '', 0, found)
      out.push({
        path: folder,
        label,
        files: found.sort((a, b) => a.name.localeCompare(b.name)),
        ...(truncated ? { problem: `Only the first ${MAX_LISTED} scenario files are listed.` } : {})
      })
    }
    return out
  }

  private async dataFiles(): Promise<ScenarioFileInfo[]> {
    let names: string[]
    try {
      names = await readdir(this.dataFolder)
    } catch {
      // No folder yet: nothing saved so far (it is made on the first save).
      return []
    }
    const out: ScenarioFileInfo[] = []
    for (const name of names.filter((n) => SCENARIO_NAME.test(n) && !n.startsWith('.')).sort((a, b) => a.localeCompare(b))) {
      const s = await stat(join(this.dataFolder, name)).catch(() => null)
      if (s?.isFile()) out.push({ name, modified: s.mtime.toISOString(), size: s.size })
    }
    return out
  }

  /** The path of a scenario file; a name that could leave its folder, or a folder not opened, is refused in words. */
  async pathOf(ref: ScenarioRef): Promise<string> {
    if (ref.folder === null) {
      if (!SCENARIO_NAME.test(ref.name) || ref.name.startsWith('.'))
        throw new Error(
          `"${ref.name}" is not a scenario file name: use letters, digits, spaces, dots, dashes or underscores, ending in .yaml or .yml.`
        )
      return join(this.dataFolder, ref.name)
    }
    if (!(await this.openedFolders()).includes(ref.folder))
      throw new Error(`${ref.folder} is not open in the Scenarios panel: open it with "Open folder…" first.`)
    const path = resolve(ref.folder, ref.name)
    const inside = relative(ref.folder, path)
    if (!inside || inside.startsWith('..') || isAbsolute(inside) || !/\.ya?ml$/i.test(path))
      throw new Error(`"${ref.name}" is not a scenario file inside ${ref.folder}: give a path inside the folder, ending in .yaml or .yml.`)
    return path
  }

  async read(ref: ScenarioRef): Promise<string> {
    try {
      return await readFile(await this.pathOf(ref), 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`There is no scenario named ${ref.name}.`, { cause: e })
      throw e
    }
  }

  async save(ref: ScenarioRef, text: string): Promise<void> {
    const path = await this.pathOf(ref)
    await mkdir(dirname(path), { recursive: true })
    // Safe write: a full disk or a crash mid-save never leaves a half-written scenario in place of the good one.
    writeFileSafely(path, text, { mode: 0o644 })
  }
}

/** Collects scenario files under `dir` (names relative to the opened folder, with `/`); true when it stopped at the limit. */
async function walk(root: string, rel: string, depth: number, found: ScenarioFileInfo[]): Promise<boolean> {
  const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => [])
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue
    const name = rel ? `${rel}/${e.name}` : e.name
    if (e.isDirectory()) {
      if (depth < MAX_DEPTH && !SKIPPED_DIRS.has(e.name) && (await walk(root, name, depth + 1, found))) return true
    } else if (e.isFile() && /\.ya?ml$/i.test(e.name)) {
      const path = join(root, name)
      const s = await stat(path).catch(() => null)
      // Scenarios are small; a big YAML file is data, not worth reading to find out.
      if (!s || s.size > 2_000_000) continue
      const text = await readFile(path, 'utf8').catch(() => '')
      if (!LOOKS_LIKE_SCENARIO.test(text)) continue
      found.push({ name, modified: s.mtime.toISOString(), size: s.size })
      if (found.length >= MAX_LISTED) return true
    }
  }
  return false
}
