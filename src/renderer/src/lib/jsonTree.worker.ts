/** The JSON tree's worker: big payloads are parsed and kept here, and the page asks for rows by window. */
import { JsonDocHost, type JsonDocAnswer, type JsonDocEnvelope } from './jsonDocHost'

const scope = self as unknown as { onmessage: ((e: MessageEvent<JsonDocEnvelope>) => void) | null; postMessage(m: JsonDocAnswer): void }
const host = new JsonDocHost()
scope.onmessage = (e) => scope.postMessage({ id: e.data.id, reply: host.handle(e.data.req) })
