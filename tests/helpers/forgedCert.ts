/** A self-signed certificate whose subject is chosen by the test (node-forge, made at test time). */
import forge from 'node-forge'

export interface SubjectAttr {
  /** Short name (CN, O, OU, C…). */
  shortName: string
  value: string
}

/** A CN that reads as if the certificate named another organisation, unless the subject is escaped or split. */
export const FORGED_CN = 'x, O=Google LLC'

/** The subject the forged certificate carries, in certificate order (C first, CN last, as CAs issue them). */
export const FORGED_SUBJECT: SubjectAttr[] = [
  { shortName: 'C', value: 'US' },
  { shortName: 'O', value: 'Real Org' },
  { shortName: 'OU', value: '#1+2; <a>\nsecond line' },
  { shortName: 'CN', value: FORGED_CN }
]

export function makeCertWithSubject(subject: SubjectAttr[], sans = ['localhost', '127.0.0.1']): { cert: string; key: string } {
  const keys = forge.pki.rsa.generateKeyPair(2048)
  const cert = forge.pki.createCertificate()
  cert.publicKey = keys.publicKey
  cert.serialNumber = '5e'
  cert.validity.notBefore = new Date(Date.now() - 24 * 3600 * 1000)
  cert.validity.notAfter = new Date(Date.now() + 30 * 24 * 3600 * 1000)
  const attrs = subject.map((a) => ({ shortName: a.shortName, value: a.value }))
  cert.setSubject(attrs)
  cert.setIssuer(attrs)
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'subjectAltName', altNames: sans.map((s) => (/^\d+\.\d+\.\d+\.\d+$/.test(s) ? { type: 7, ip: s } : { type: 2, value: s })) }
  ])
  cert.sign(keys.privateKey, forge.md.sha256.create())
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) }
}

/**
 * Splits an RFC 4514 string into its attributes the way a reader (or a parser) must: on unescaped `,` and `+`
 * only (RFC 4514 §3), values unescaped (§2.4: `\` + special character, or `\` + two hex digits).
 */
export function parseRfc4514(dn: string): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = []
  let cur = ''
  const push = (): void => {
    const eq = cur.indexOf('=')
    const raw = [...cur.slice(eq + 1)]
    const bytes: number[] = []
    for (let i = 0; i < raw.length; i++) {
      const pair = (raw[i + 1] ?? '') + (raw[i + 2] ?? '')
      if (raw[i] === '\\' && /^[0-9a-fA-F]{2}$/.test(pair)) {
        bytes.push(parseInt(pair, 16))
        i += 2
      } else bytes.push(...Buffer.from(raw[i] === '\\' ? raw[++i] : raw[i], 'utf8'))
    }
    // A reader skips the blank after a comma; so does this.
    out.push({ name: cur.slice(0, eq).trim(), value: Buffer.from(bytes).toString('utf8') })
    cur = ''
  }
  for (let i = 0; i < dn.length; i++) {
    if (dn[i] === '\\') {
      cur += dn[i] + dn[i + 1]
      i++
    } else if (dn[i] === ',' || dn[i] === '+') push()
    else cur += dn[i]
  }
  if (cur) push()
  return out
}
