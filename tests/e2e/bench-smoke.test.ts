/** The benchmark's smoke run: a few thousand messages through every measurement, no thresholds, so it cannot rot. */
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './harness'

const KEYS = [
  'raw_msgs_per_s',
  'pipeline_msgs_per_s',
  'ratio_64b',
  'latency_p50_ms',
  'latency_p95_ms',
  'latency_p99_ms',
  'longest_task_ms',
  'keypress_p95_ms',
  'heap_bytes_per_msg',
  'filter_substring_ms',
  'filter_regex_ms',
  'dom_rows',
  'preview_10mb_ms',
  'engine_rss_growth_mb',
  'decode_msgpack_1kib_msgs_per_s',
  'decode_protobuf_1kib_msgs_per_s',
  'decode_protobuf_typed_1kib_msgs_per_s',
  'field_filter_json_ms',
  'field_filter_msgpack_ms'
]

describe('npm run bench --smoke', () => {
  it('runs every measurement end to end and writes latest.json with the figures', () => {
    const out = mkdtempSync(join(tmpdir(), 'sockscope-bench-smoke-'))
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'run.ts'), '--smoke', '--out', out], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 180_000
      })
      expect(r.status, r.stderr + r.stdout).toBe(0)
      const latest = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as Record<string, unknown>
      for (const k of KEYS) expect(typeof latest[k], k).toBe('number')
      expect(latest.pipeline_msgs_per_s as number).toBeGreaterThan(0)
      expect(latest.dom_rows as number).toBeGreaterThan(0)
      expect(latest.machine).toMatchObject({ cores: expect.any(Number), node: process.version })
      expect(r.stdout).toContain('| pipeline_msgs_per_s |')
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  }, 200_000)
})
