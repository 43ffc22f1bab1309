/** Raw: a plain `ws` client receiving the flood; the ceiling the pipeline is compared with. */
import WebSocket from 'ws'
import type { FloodServer } from './harness'

export async function rawRun(server: FloodServer, n: number, size: number, samples?: Array<[number, number]>): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/`, { perMessageDeflate: false })
  await new Promise((r) => ws.once('open', r))
  let got = 0
  let first = 0
  const t0 = Date.now()
  const sampler = samples ? setInterval(() => samples.push([Date.now() - t0, got]), 100) : null
  const done = new Promise<number>((resolve) => {
    ws.on('message', () => {
      if (got++ === 0) first = performance.now()
      if (got === n) resolve(performance.now())
    })
  })
  server.flood({ n, size })
  await server.next() // started
  const end = await done
  await server.next() // sent
  if (sampler) clearInterval(sampler)
  samples?.push([Date.now() - t0, got])
  ws.close()
  return n / ((end - first) / 1000)
}
