import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A length-prefixed SSH wire string. */
function sshString(data: Buffer | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/**
 * A fresh, unencrypted ed25519 private key in OpenSSH's own format (`ssh-keygen -t ed25519`
 * writes the same), made with node:crypto so tests need no ssh-keygen.
 */
export function makeOpenSshPrivateKey(comment = 'codegod-test'): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d!, 'base64url');
  const pub = Buffer.from(jwk.x!, 'base64url');
  const publicBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = randomBytes(4);
  let secret = Buffer.concat([
    check,
    check,
    sshString('ssh-ed25519'),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  const padding = (8 - (secret.length % 8)) % 8;
  secret = Buffer.concat([secret, Buffer.from(Array.from({ length: padding }, (_, i) => i + 1))]);
  const count = Buffer.alloc(4);
  count.writeUInt32BE(1);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    count,
    sshString(publicBlob),
    sshString(secret),
  ]).toString('base64');
  const lines = body.match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

/** A workspace holding secrets, and the values that must never be seen outside it. */
export interface SecretsFixture {
  workspace: string;
  /** Every value that must not leave the workspace: .env values and the key's body lines. */
  secrets: Record<string, string>;
  /** Ordinary configuration in the same .env that stays visible (`PORT=3000`). */
  plain: Record<string, string>;
}

/**
 * Writes a workspace with a `.env` (random API key, database URL with a password, a quoted
 * session secret), a `.env.local`, and an OpenSSH private key at `deploy/id_ed25519`. No value
 * is in any process's environment: only reading the workspace can find them.
 */
export async function makeSecretsFixture(root: string): Promise<SecretsFixture> {
  const workspace = join(root, 'secrets-workspace');
  await mkdir(join(workspace, 'deploy'), { recursive: true });
  const id = () => randomBytes(12).toString('hex');
  const secrets: Record<string, string> = {
    STRIPE_KEY: `rk9${id()}`,
    DATABASE_URL: `postgres://app:pw${id()}@db.internal:5432/app`,
    SESSION_SECRET: `s3ss ${id()} with spaces`,
    LOCAL_TOKEN: `lt-${id()}`,
  };
  const plain = { PORT: '3000', NODE_ENV: 'development', DEBUG: 'true' };
  await writeFile(
    join(workspace, '.env'),
    [
      '# database and keys',
      `export STRIPE_KEY=${secrets.STRIPE_KEY}`,
      `DATABASE_URL='${secrets.DATABASE_URL}'`,
      `SESSION_SECRET="${secrets.SESSION_SECRET}" # quoted, with spaces`,
      `PORT=${plain.PORT}`,
      `NODE_ENV=${plain.NODE_ENV}`,
      `DEBUG=${plain.DEBUG}`,
      '',
    ].join('\n'),
  );
  await writeFile(join(workspace, '.env.local'), `LOCAL_TOKEN=${secrets.LOCAL_TOKEN}\n`);
  const key = makeOpenSshPrivateKey();
  await writeFile(join(workspace, 'deploy', 'id_ed25519'), key, { mode: 0o600 });
  const keyLines = key.split('\n').filter((line) => line.length > 0 && !line.startsWith('-----'));
  keyLines.forEach((line, i) => {
    // The short last line is not unique enough to tell a leak from chance.
    if (line.length >= 16) secrets[`KEY_LINE_${i + 1}`] = line;
  });
  return { workspace, secrets, plain };
}
