/** The codec chains the UI offers by name (any other can be typed where a chain is typed); '' is "automatic". */
export const DECODE_CHAINS = [
  '',
  'json',
  'msgpack',
  'cbor',
  'protobuf',
  'gzip → json',
  'gzip → msgpack',
  'zlib → json',
  'deflate → json',
  'brotli → json',
  'brotli → msgpack',
  'base64 → msgpack',
  'base64 → json'
]

/** What the composer can send JSON as; '' is the JSON text itself. */
export const ENCODE_CHAINS = [
  '',
  'msgpack',
  'cbor',
  'gzip → json',
  'gzip → msgpack',
  'gzip → cbor',
  'zlib → msgpack',
  'deflate → json',
  'base64 → msgpack'
]
