import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  main: {
    resolve: {
      // brotli.js's Node dictionary is a 122,784-element array literal; in the main process it made a flood hold about
      // 55 MB more after GC (tests/desktop/flow.test.ts). Its browser dictionary (brotli-compressed base64) decodes to
      // the same bytes without it.
      alias: [{ find: /^\.\/dictionary-data\.js$/, replacement: resolve('node_modules/brotli/dec/dictionary-browser.js') }]
    },
    build: {
      rollupOptions: {
        // The desktop entry, the Electron-free browser-mode host and the Electron-free `sockscope` command share one build.
        input: { index: resolve('src/main/index.ts'), web: resolve('src/main/web/cli.ts'), cli: resolve('src/cli/index.ts') }
      }
    }
  },
  preload: {
    build: {
      // Sandboxed preloads must be CommonJS that requires nothing but `electron`.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve('src/renderer'),
    build: { rollupOptions: { input: resolve('src/renderer/index.html') } },
    plugins: [vue()]
  }
})
