import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

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
        // Needs `electron-vite build` first: the shell tests load the built bundles, e2e drives them in Chromium.
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/shell/**/*.test.ts', 'tests/e2e/**/*.test.ts', 'tests/electron/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: 1
        }
      }
    ]
  }
})
