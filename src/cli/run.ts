/**
 * `sockscope run FILE_OR_DIR…`: runs scenario files (src/scenario) and reports. Every file is read and checked
 * before any runs, so bad input never half-runs a suite. Exit status: 0 when every scenario passed, 1 when one
 * failed, 2 on bad input (an unknown flag, a missing file, a YAML or schema error: with the file, line and column).
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { defaultDataDir } from '../main/store/dataDir'
import { ProfileStore } from '../main/store/profileStore'
import { NO_ENCRYPTION } from '../main/store/secrets'
import type { ProfilesState } from '../shared/storeTypes'
import { parseDuration } from '../scenario/format'
import { parseEnvFile } from '../scenario/envFile'
import { findScenarioFiles, loadScenarios, runScenarios } from '../scenario/runner'
import type { ProfileLookup } from '../scenario/connectionOptions'
import { profilesLookup } from '../scenario/profileLookup'
import { ScenarioInputError } from '../scenario/types'
import { choiceFlag, parseFlags, UsageError, wantsHelp } from './args'
import { jsonReport, junitXml, plainReport, PrettyReporter, REPORTERS, tapReport, type ReporterName } from './reporters'

export interface RunIo {
  stdout: (s: string) => void
  stderr: (s: string) => void
  isTTY: boolean
  cwd: string
  /** The environment (SOCKSCOPE_DATA_DIR, NO_COLOR); the process's own when absent. */
  env?: NodeJS.ProcessEnv
  /** Aborted on Ctrl+C: the run stops at once (exit 130), what ran is reported. */
  interrupt?: AbortSignal
}

export const RUN_HELP = `Usage: sockscope run FILE_OR_DIR… [options]

Runs scenario files (YAML; folders are searched for *.yaml and *.yml) against real servers, in order. The format is
described in schemas/scenario.schema.json.

  --env NAME          use the variables of a saved environment (from the data folder's profiles.json)
  --env-file FILE     use the variables in FILE: JSON ({"token": "…"}) or .env lines (token=…)
  --var NAME=VALUE    set one variable (repeatable; over --env and --env-file)
  --data-dir DIR      the data folder for saved profiles and environments (default: the desktop app's,
                      or env SOCKSCOPE_DATA_DIR)
  --reporter NAME     pretty (default), junit, json or tap
  --out FILE          write the report to FILE; the pretty progress still goes to the terminal
  --bail              stop after the first scenario that fails
  --timeout MS        how long waiting steps wait when the file does not say (default 5000; also 5s, 1.5m)
  --help              this text

Exit status: 0 when every scenario passed, 1 when one failed, 2 on bad input.`

const FLAGS = {
  env: { type: 'string', value: 'NAME' },
  'env-file': { type: 'string', value: 'FILE' },
  var: { type: 'string', multiple: true, value: 'NAME=VALUE' },
  'data-dir': { type: 'string', value: 'DIR' },
  reporter: { type: 'string', value: 'NAME' },
  out: { type: 'string', value: 'FILE' },
  bail: { type: 'boolean' },
  timeout: { type: 'string', value: 'MS' },
  help: { type: 'boolean', short: 'h' }
} as const

export async function runCommand(args: string[], io: RunIo): Promise<number> {
  try {
    return await run(args, io)
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`sockscope run: ${e.message}\nRun "sockscope run --help" for its options.\n`)
      return 2
    }
    if (e instanceof ScenarioInputError) {
      io.stderr(`sockscope run: ${e.message}\n`)
      return 2
    }
    throw e
  }
}

async function run(args: string[], io: RunIo): Promise<number> {
  if (wantsHelp(args)) {
    io.stdout(`${RUN_HELP}\n`)
    return 0
  }
  const { values, positionals } = parseFlags('run', args, FLAGS)
  if (!positionals.length) throw new UsageError('name at least one scenario file or folder, e.g. sockscope run scenarios/.')
  const reporter = choiceFlag('--reporter', values.reporter, 'pretty', REPORTERS) as ReporterName
  let defaultTimeoutMs: number | undefined
  if (values.timeout !== undefined) {
    const ms = parseDuration(/^\s*\d+(\.\d+)?\s*$/.test(values.timeout) ? Number(values.timeout) : values.timeout)
    if (ms === null || ms <= 0 || ms > 3_600_000)
      throw new UsageError(
        `--timeout takes milliseconds (e.g. 2000) or a duration such as 2s, from 1 ms to an hour (got ${JSON.stringify(values.timeout)}).`
      )
    defaultTimeoutMs = ms
  }
  if (values.env !== undefined && values['env-file'] !== undefined)
    throw new UsageError('use --env NAME or --env-file FILE, not both (add single variables with --var NAME=VALUE).')
  const env = io.env ?? process.env
  const dataDir = values['data-dir'] !== undefined ? resolve(io.cwd, values['data-dir']) : defaultDataDir(env)
  const profiles = profileLookup(dataDir)
  const vars: Record<string, string> = {}
  if (values.env !== undefined) Object.assign(vars, environmentVars(profiles, values.env, io))
  if (values['env-file'] !== undefined) Object.assign(vars, await envFileVars(values['env-file'], io.cwd))
  for (const pair of values.var ?? []) {
    const m = /^([A-Za-z0-9_.-]+)=(.*)$/s.exec(pair)
    if (!m) throw new UsageError(`--var takes NAME=VALUE, e.g. --var token=abc123 (got ${JSON.stringify(pair)}).`)
    vars[m[1]] = m[2]
  }

  const files = await findScenarioFiles(positionals, io.cwd)
  const { scenarios, errors } = await loadScenarios(files, io.cwd, { vars, profiles, ...(defaultTimeoutMs ? { defaultTimeoutMs } : {}) })
  if (errors.length) {
    io.stderr(errors.map((e) => `sockscope run: ${e.message}\n`).join(''))
    io.stderr(`${errors.length} of ${files.length} scenario file${files.length === 1 ? '' : 's'} cannot be run; nothing was run.\n`)
    return 2
  }

  // The live, human progress goes to the terminal unless stdout is the report itself (junit, json or tap there).
  const toStdout = values.out === undefined
  const live = toStdout ? reporter === 'pretty' : true
  const pretty = live ? new PrettyReporter(io.stdout, { live: io.isTTY, color: io.isTTY && !env.NO_COLOR }) : null
  const started = new Date()
  const result = await runScenarios(scenarios, {
    vars,
    profiles,
    bail: !!values.bail,
    onProgress: (p) => pretty?.onProgress(p),
    ...(io.interrupt ? { interrupt: io.interrupt } : {})
  })
  const notes = { notRun: scenarios.length - result.scenarios.length, interrupted: !!io.interrupt?.aborted }
  pretty?.finish(result, notes)

  const report =
    reporter === 'junit'
      ? junitXml(result, started)
      : reporter === 'json'
        ? jsonReport(result)
        : reporter === 'tap'
          ? tapReport(result, notes)
          : toStdout
            ? null
            : plainReport(result, notes)
  if (report !== null) {
    if (toStdout) io.stdout(report)
    else {
      const out = resolve(io.cwd, values.out!)
      try {
        await mkdir(dirname(out), { recursive: true })
        await writeFile(out, report)
      } catch (e) {
        io.stderr(`sockscope run: could not write the report to ${out}: ${(e as Error).message}\n`)
        return 2
      }
    }
  }
  if (!live)
    io.stderr(
      `${result.failed ? `${result.failed} of ${result.scenarios.length} scenarios failed` : `${result.passed} scenarios passed`}.\n`
    )
  if (io.interrupt?.aborted) {
    io.stderr('sockscope run: interrupted.\n')
    return 130 // 128 + SIGINT, as shells report it
  }
  return result.failed ? 1 : 0
}

/** Saved profiles and environments, read once on first use (no keychain here, as in browser mode; no lock: read only). */
function profileLookup(dataDir: string): ProfileLookup & { state(): ProfilesState } {
  let state: ProfilesState | null = null
  const load = (): ProfilesState => {
    if (state) return state
    if (!existsSync(join(dataDir, 'profiles.json')))
      throw new UsageError(
        `no saved profiles or environments in ${dataDir} (profiles.json is not there). Point --data-dir at the app's data folder.`
      )
    const store = new ProfileStore(dataDir, NO_ENCRYPTION, 'browser')
    store.load()
    return (state = store.state())
  }
  return profilesLookup(`the data folder ${dataDir}`, load)
}

function environmentVars(profiles: ReturnType<typeof profileLookup>, name: string, io: RunIo): Record<string, string> {
  const state = profiles.state()
  const env =
    state.environments.find((e) => e.name === name) ?? state.environments.filter((e) => e.name.toLowerCase() === name.toLowerCase())[0]
  if (!env) {
    const names = state.environments.map((e) => `"${e.name}"`)
    throw new UsageError(
      `--env: no environment is named "${name}". ${names.length ? `Saved environments: ${names.join(', ')}.` : 'There are no saved environments.'}`
    )
  }
  // Secret values the desktop app keeps in the OS keychain cannot be read here: leave them out, and say so.
  const hidden = new Set((state.missingSecrets[env.id] ?? []).map((p) => Number(/^variables\.(\d+)\.value$/.exec(p)?.[1] ?? -1)))
  const out: Record<string, string> = {}
  const left: string[] = []
  env.variables.forEach((v, i) => {
    if (v.enabled === false || !v.name) return
    if (hidden.has(i)) left.push(v.name)
    else out[v.name] = v.value
  })
  if (left.length)
    io.stderr(
      `sockscope run: the environment "${env.name}" keeps ${left.join(', ')} in the desktop app's keychain, which the command line cannot read; give ${left.length > 1 ? 'them' : 'it'} with --var or --env-file.\n`
    )
  return out
}

async function envFileVars(file: string, cwd: string): Promise<Record<string, string>> {
  const path = resolve(cwd, file)
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`--env-file: cannot read ${path} (${e.code ?? e.message}).`)
  })
  return parseEnvFile(text, file)
}
