// Throwaway TLS for tests: a CA and a server certificate made with the openssl
// CLI (valid for IP:127.0.0.1 and DNS:localhost), and a check that this machine
// can run a TLS redis-server at all, so the TLS tests skip for a stated reason
// instead of failing on a machine without openssl or a TLS-less Redis build.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redisServerAvailable, type TlsFiles } from '../../src/support/private-redis.js';

// Our own config, so the extensions do not depend on the system's openssl.cnf.
const OPENSSL_CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

/** Why TLS tests cannot run here, or undefined when they can. */
export function tlsSkipReason(): string | undefined {
  const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (openssl.error || openssl.status !== 0) return 'the openssl CLI is not installed (needed to make test certificates)';
  if (!redisServerAvailable()) return 'redis-server is not installed';
  // No listener at all makes redis-server exit at once; only a build without TLS rejects the directive first.
  const probe = spawnSync('redis-server', ['--port', '0', '--tls-port', '0', '--save', '', '--appendonly', 'no'], { encoding: 'utf8', timeout: 5000 });
  if (/Bad directive/i.test(`${probe.stdout}${probe.stderr}`)) return 'redis-server was built without TLS support (BUILD_TLS=yes)';
  return undefined;
}

function openssl(args: string[], dir: string): void {
  const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (result.error || result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.error ?? result.stderr}`);
}

/** A self-signed CA (ca.crt/ca.key) in dir, named for messages. */
export function makeCa(dir: string, name: string): { certFile: string; keyFile: string } {
  writeFileSync(join(dir, 'openssl.cnf'), OPENSSL_CONFIG);
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-config', 'openssl.cnf', '-extensions', 'ca_ext', '-subj', `/CN=work test ${name}`, '-keyout', keyFile, '-out', certFile], dir);
  return { certFile, keyFile };
}

/** A CA and a server certificate it signed, ready for startRedisServer({ tls }). */
export function makeServerCertificates(dir: string): TlsFiles {
  const ca = makeCa(dir, 'ca');
  const keyFile = join(dir, 'server.key');
  const certFile = join(dir, 'server.crt');
  const csr = join(dir, 'server.csr');
  openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-config', 'openssl.cnf', '-subj', '/CN=localhost', '-keyout', keyFile, '-out', csr], dir);
  openssl(
    ['x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '2', '-extfile', 'openssl.cnf', '-extensions', 'server_ext', '-out', certFile],
    dir,
  );
  return { certFile, keyFile, caFile: ca.certFile };
}
