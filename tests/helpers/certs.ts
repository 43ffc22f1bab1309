/** Certificates made at test time with node-forge: a CA, leaf certificates, client certs and PFX bundles. */
import forge from 'node-forge'

export interface Pair {
  cert: string
  key: string
  forgeCert: forge.pki.Certificate
  forgeKey: forge.pki.rsa.PrivateKey
}

let serial = 1

function make(
  cn: string,
  opts: { issuer?: Pair; isCA?: boolean; sans?: string[]; days?: number; notBefore?: Date; client?: boolean }
): Pair {
  const keys = forge.pki.rsa.generateKeyPair(2048)
  const cert = forge.pki.createCertificate()
  cert.publicKey = keys.publicKey
  cert.serialNumber = (serial++).toString(16).padStart(2, '0')
  const start = opts.notBefore ?? new Date(Date.now() - 24 * 3600 * 1000)
  cert.validity.notBefore = start
  cert.validity.notAfter = new Date(start.getTime() + (opts.days ?? 30) * 24 * 3600 * 1000)
  const subject = [{ name: 'commonName', value: cn }]
  cert.setSubject(subject)
  cert.setIssuer(opts.issuer ? opts.issuer.forgeCert.subject.attributes : subject)
  const ext: object[] = [{ name: 'basicConstraints', cA: !!opts.isCA }]
  if (opts.isCA) ext.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true })
  else
    ext.push(
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: !opts.client, clientAuth: !!opts.client }
    )
  if (opts.sans) {
    ext.push({
      name: 'subjectAltName',
      altNames: opts.sans.map((s) => (/^\d+\.\d+\.\d+\.\d+$/.test(s) ? { type: 7, ip: s } : { type: 2, value: s }))
    })
  }
  cert.setExtensions(ext)
  cert.sign(opts.issuer ? opts.issuer.forgeKey : keys.privateKey, forge.md.sha256.create())
  return {
    cert: forge.pki.certificateToPem(cert),
    key: forge.pki.privateKeyToPem(keys.privateKey),
    forgeCert: cert,
    forgeKey: keys.privateKey
  }
}

export const makeCA = (cn = 'Sockscope Test CA'): Pair => make(cn, { isCA: true, days: 60 })
export const makeServerCert = (ca: Pair, sans = ['localhost', '127.0.0.1'], extra: { days?: number; notBefore?: Date } = {}): Pair =>
  make('localhost', { issuer: ca, sans, ...extra })
export const makeSelfSigned = (sans = ['localhost', '127.0.0.1']): Pair => make('localhost', { sans })
export const makeClientCert = (ca: Pair, cn = 'sockscope-client'): Pair => make(cn, { issuer: ca, client: true })

/** A PKCS#12 bundle as base64, protected by `passphrase`. */
export function toPfxBase64(pair: Pair, passphrase: string): string {
  const p12 = forge.pkcs12.toPkcs12Asn1(pair.forgeKey, [pair.forgeCert], passphrase, { algorithm: '3des' })
  return forge.util.encode64(forge.asn1.toDer(p12).getBytes())
}
