import { describe, expect, it } from 'vitest';
import { makeOpenSshPrivateKey } from '../fixtures/secrets-fixture.js';
import { REDACTED, redactPrivateKeyBlocks, redactSecretShapes } from './secret-shapes.js';

const alnum = (length: number, seed = 7) =>
  Array.from({ length }, (_, i) => 'aB3dE5gH7jK9mN1pQ'[(i * seed) % 17]).join('');

describe('redactSecretShapes', () => {
  it.each([
    ['OpenAI key', `sk-${alnum(48)}`],
    ['OpenAI project key', `sk-proj-${alnum(40)}_${alnum(20, 3)}`],
    ['Anthropic key', `sk-ant-api03-${alnum(60)}`],
    ['GitHub classic token', `ghp_${alnum(36)}`],
    ['GitHub app token', `ghs_${alnum(36)}`],
    ['GitHub fine-grained token', `github_pat_11${alnum(20)}_${alnum(59, 5)}`],
    ['GitLab token', `glpat-${alnum(20)}`],
    ['Slack bot token', `xoxb-1234567890-0987654321-${alnum(24)}`],
    ['Slack user token', `xoxp-1234567890-${alnum(24)}`],
    ['AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
    ['AWS session key id', 'ASIAY34FZKBOKMUTVV7A'],
    ['Google API key', `AIza${alnum(35)}`],
    ['Stripe restricted key', `rk_live_${alnum(24)}`],
    ['npm token', `npm_${alnum(36)}`],
    ['Hugging Face token', `hf_${alnum(34)}`],
    [
      'JWT',
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    ],
  ])('hides a %s and keeps the text around it', (_name, token) => {
    const text = `before "${token}" after\nnext line ${token}`;
    expect(redactSecretShapes(text)).toBe(`before "${REDACTED}" after\nnext line ${REDACTED}`);
  });

  it('hides URL credentials and authorization headers, keeping scheme, host and header name', () => {
    expect(redactSecretShapes('pip: https://user:pw@pypi.example/simple')).toBe(
      'pip: https://[redacted]@pypi.example/simple',
    );
    expect(redactSecretShapes('Authorization: Basic dXNlcjpwYXNzd29yZA==\nok')).toBe(
      'Authorization: Basic [redacted]\nok',
    );
    expect(redactSecretShapes(`curl -H "Bearer ${alnum(32)}" x`)).toBe(
      `curl -H "Bearer ${REDACTED}" x`,
    );
  });

  it('leaves ordinary output alone: prose, installs, tracebacks, hashes, ids, kebab-case', () => {
    const ordinary = [
      'Successfully installed Flask-3.0.3 Werkzeug-3.0.4 itsdangerous-2.2.0 scikit-learn-1.5.2',
      'added 120 packages, and audited 121 packages in 3s; found 0 vulnerabilities',
      'Traceback (most recent call last):\n  File "app.py", line 1, in <module>\nModuleNotFoundError: No module named \'flask\'',
      'commit 3f786850e387550fdab836ed7e6dc881de23001b, sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      'run-m0x1-a1b2c3 task-queue backend-1 desk-lamp-supervisor-configuration-options',
      'The basic idea: a bearer of news. Authorization failed for user alice.',
      'uuid 123e4567-e89b-12d3-a456-426614174000; AKIA is a prefix; eyJ alone; sk-short',
      'http://localhost:3000/api and git@github.com:owner/repo.git',
    ].join('\n');
    expect(redactSecretShapes(ordinary)).toBe(ordinary);
  });

  it('stays linear on 1 MiB adversarial inputs (each pattern fed its worst case)', () => {
    // A quadratic pattern took minutes on 256 KiB; the test's timeout is the guard.
    const mib = 1024 * 1024;
    const inputs = [
      'x'.repeat(mib),
      'eyJ'.repeat(mib / 3),
      `eyJ${'a'.repeat(mib)}`,
      'eyJaaaaaaaaa.'.repeat(mib / 13),
      'sk-'.repeat(mib / 3),
      `${'a-'.repeat(mib / 2)}`,
      'https://'.repeat(mib / 8),
      'a://'.repeat(mib / 4),
      'Bearer '.repeat(mib / 7),
      'Authorization: Basic '.repeat(mib / 21),
      '-----BEGIN '.repeat(mib / 11),
      '-----BEGIN PRIVATE KEY-----'.repeat(mib / 27),
      'AKIA'.repeat(mib / 4),
    ];
    for (const input of inputs) expect(redactSecretShapes(input).length).toBeGreaterThan(0);
  }, 30_000);
});

describe('redactPrivateKeyBlocks', () => {
  it('hides whole OpenSSH, PEM and PGP blocks and keeps what is around them', () => {
    const openssh = makeOpenSshPrivateKey();
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----';
    const pgp =
      '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF\n-----END PGP PRIVATE KEY BLOCK-----';
    const text = `key:\n${openssh}then ${pem} and ${pgp} done`;
    expect(redactSecretShapes(text)).toBe(
      `key:\n${REDACTED}\nthen ${REDACTED} and ${REDACTED} done`,
    );
  });

  it('hides a key inside a JSON string (newlines escaped)', () => {
    const json = JSON.stringify({ private_key: makeOpenSshPrivateKey(), ok: 1 });
    expect(redactSecretShapes(json)).toBe(`{"private_key":"${REDACTED}\\n","ok":1}`);
  });

  it('hides a cut block to the end of the text, and leaves public keys and certificates', () => {
    const key = makeOpenSshPrivateKey();
    expect(redactPrivateKeyBlocks(`head\n${key.slice(0, 120)}`)).toBe(`head\n${REDACTED}`);
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    const pub = '-----BEGIN PUBLIC KEY-----\nMCow\n-----END PUBLIC KEY-----';
    expect(redactPrivateKeyBlocks(`${cert}\n${pub}`)).toBe(`${cert}\n${pub}`);
  });
});
