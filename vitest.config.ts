import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

/**
 * Browser-mode suites that `npm test` runs in the same process as the unit tests, beside the other end-to-end run:
 * the two runs then take about as long as each other on 2 cores (scripts/test.mjs).
 */
const E2E_BESIDE_UNIT = [
  'tests/e2e/bench-smoke.test.ts',
  'tests/e2e/a11y-axe.test.ts',
  'tests/e2e/log-a11y.test.ts',
  'tests/e2e/validation-ui.test.ts',
  'tests/e2e/detail-layout.test.ts',
  'tests/e2e/codecs-ui.test.ts',
  'tests/e2e/protobuf-ui.test.ts'
]

/** How browser-mode suites run (projects e2e and e2e-beside-unit). */
/**
 * Browser suites run beside the unit suites on 2 cores, so a renderer may answer seconds late: `expect.poll` waits up
 * to 10 s there (its default is 1 s), which only lengthens a run that would otherwise fail.
 */
const BROWSER_SUITES = {
  environment: 'node',
  testTimeout: 60_000,
  hookTimeout: 60_000,
  maxWorkers: 1,
  isolate: false,
  expect: { poll: { timeout: 10_000 } }
} as const

/** The end-to-end suites that run on both paths: browser mode (project e2e) and the desktop path (project desktop). */
const DESKTOP_PATH_SUITES = [
  'tests/e2e/inspector-ui.test.ts',
  'tests/e2e/profiles.test.ts',
  'tests/e2e/hostile-ui.test.ts',
  'tests/e2e/first-run.test.ts'
]

export default defineConfig({
  plugins: [vue()],
  test: {
    // Two cores: keep the socket-heavy suites from starving each other.
    maxWorkers: 2,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'tests/unit/**/*.test.ts',
            'tests/renderer/**/*.test.ts',
            'tests/integration/**/*.test.ts',
            'tests/hostile/**/*.test.ts',
            'tests/model/**/*.test.ts'
          ],
          environment: 'node',
          testTimeout: 20_000,
          hookTimeout: 60_000
        }
      },
      {
        // Needs `electron-vite build` first: e2e drives the built renderer in Chromium against the built host. Files share
        // one worker process (isolate: false): each file starts its own browser and app, and skipping a fresh process
        // and module graph per file saves seconds per file. One file at a time: two at once on 2 cores took longer.
        extends: true,
        test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], exclude: E2E_BESIDE_UNIT, ...BROWSER_SUITES }
      },
      {
        // As e2e, for the suites listed in E2E_BESIDE_UNIT.
        extends: true,
        test: { name: 'e2e-beside-unit', include: E2E_BESIDE_UNIT, ...BROWSER_SUITES }
      },
      {
        // The built desktop bundles with an Electron stand-in (tests/shell), and the real-Electron suite (tests/electron,
        // skipped where there is no binary). Isolated: each file installs its own stand-in.
        extends: true,
        test: {
          name: 'shell',
          include: ['tests/shell/**/*.test.ts', 'tests/electron/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: 1
        }
      },
      {
        // The desktop path without the Electron binary (tests/desktop): the built main bundle in Node against the
        // harness's Electron, the built preload and renderer in Chromium. The browser-mode suites listed here run a
        // second time on it, unchanged: tests/e2e/paths.ts reads SOCKSCOPE_APP_PATH.
        extends: true,
        test: {
          name: 'desktop',
          include: ['tests/desktop/**/*.test.ts', ...DESKTOP_PATH_SUITES],
          setupFiles: ['tests/desktop/setup.ts'],
          env: { SOCKSCOPE_APP_PATH: 'desktop' },
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: 1
        }
      }
    ]
  }
})
