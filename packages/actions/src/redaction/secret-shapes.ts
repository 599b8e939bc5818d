/** What every redacted secret is replaced with. */
export const REDACTED = '[redacted]';

// Every pattern here must stay linear on the 256 KiB outputs it is run over. Two rules keep it
// so: quantifiers are bounded (with `*`/`+`, 256 KiB of letters took minutes), and a token may
// only start where a run of token characters starts (the lookbehind), so the runs scanned from
// successive start positions never overlap.

/**
 * The credentials part of a URL: after a scheme (at most 32 chars) and `://`, up to 1024 chars
 * before `@`. The scheme is a lookbehind, so a match is only tried where `://` is.
 */
const URL_CREDENTIALS = /(?<=[a-z][a-z0-9+.-]{0,31}):\/\/[^\s/@]{1,1024}@/gi;

/** Not preceded by a token character: a token starts at the start of a run. */
const START = '(?<![A-Za-z0-9_-])';

/**
 * Well-known token shapes, by issuer. Lengths are lenient lower bounds of the real formats.
 * `needles` are literals every match contains: a text holding none of them is not scanned.
 */
export const TOKEN_SHAPES: readonly {
  name: string;
  needles: readonly string[];
  pattern: RegExp;
}[] = [
  // OpenAI (sk-, sk-proj-, sk-svcacct-) and Anthropic (sk-ant-) API keys.
  { name: 'OpenAI or Anthropic key', needles: ['sk-'], pattern: /sk-[A-Za-z0-9_-]{20,1024}/ },
  { name: 'GitHub token', needles: ['gh'], pattern: /gh[pousr]_[A-Za-z0-9]{30,255}/ },
  {
    name: 'GitHub fine-grained token',
    needles: ['github_pat_'],
    pattern: /github_pat_[A-Za-z0-9_]{22,255}/,
  },
  { name: 'GitLab token', needles: ['glpat-'], pattern: /glpat-[A-Za-z0-9_-]{20,255}/ },
  { name: 'Slack token', needles: ['xox'], pattern: /xox[abposr]-[A-Za-z0-9-]{10,255}/ },
  {
    name: 'AWS access key id',
    needles: ['AKIA', 'ASIA', 'ABIA', 'ACCA'],
    pattern: /(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/,
  },
  { name: 'Google API key', needles: ['AIza'], pattern: /AIza[A-Za-z0-9_-]{35}/ },
  {
    name: 'Stripe secret key',
    needles: ['k_live_', 'k_test_'],
    pattern: /[rs]k_(?:live|test)_[A-Za-z0-9]{16,255}/,
  },
  { name: 'npm token', needles: ['npm_'], pattern: /npm_[A-Za-z0-9]{36,255}/ },
  { name: 'Hugging Face token', needles: ['hf_'], pattern: /hf_[A-Za-z0-9]{30,255}/ },
  // A JWT: base64url JSON header and payload (both start `{"`, so `eyJ`), then a signature.
  {
    name: 'JSON Web Token',
    needles: ['eyJ'],
    pattern: /eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{0,4096}/,
  },
].map(({ name, needles, pattern }) => ({
  name,
  needles,
  pattern: new RegExp(START + pattern.source, 'g'),
}));

/** `Authorization: Bearer …` / `Basic …` / `Token …` headers, and a bare `Bearer <token>`. */
const AUTHORIZATION =
  /(Authorization:[ \t]{0,8}(?:Basic|Bearer|Token)[ \t]{1,8})[^\s"',]{1,4096}|(\bBearer[ \t]{1,8})[A-Za-z0-9._~+/-]{20,4096}={0,2}/gi;

/** The header of a PEM or OpenSSH private key block (PGP's ends in `KEY BLOCK`). */
const PRIVATE_KEY_HEADER = /-----BEGIN [A-Z0-9 ]{0,60}PRIVATE KEY(?: BLOCK)?-----/y;

/**
 * Replaces each private key block, from its `-----BEGIN … PRIVATE KEY-----` header through its
 * `-----END …-----` line. A block whose end is missing (output cut by a cap) is hidden to the end
 * of the text: what follows a header is key material until proven otherwise.
 */
export function redactPrivateKeyBlocks(text: string): string {
  let out = '';
  let from = 0;
  let at = text.indexOf('-----BEGIN ');
  while (at !== -1) {
    PRIVATE_KEY_HEADER.lastIndex = at;
    if (!PRIVATE_KEY_HEADER.test(text)) {
      at = text.indexOf('-----BEGIN ', at + 1);
      continue;
    }
    const end = text.indexOf('-----END ', PRIVATE_KEY_HEADER.lastIndex);
    const close = end === -1 ? -1 : text.indexOf('-----', end + 9);
    out += text.slice(from, at) + REDACTED;
    if (close === -1) return out;
    from = close + 5;
    at = text.indexOf('-----BEGIN ', from);
  }
  return out + text.slice(from);
}

/**
 * Hides secrets recognisable by their shape alone: URL credentials
 * (`https://user:token@host` → `https://[redacted]@host`), authorization headers, well-known
 * API token formats (TOKEN_SHAPES) and private key blocks.
 */
export function redactSecretShapes(text: string): string {
  let out = text.includes('://') ? text.replace(URL_CREDENTIALS, `://${REDACTED}@`) : text;
  out = out.replace(AUTHORIZATION, (_match, header?: string, bearer?: string) =>
    header === undefined ? `${bearer}${REDACTED}` : `${header}${REDACTED}`,
  );
  for (const { needles, pattern } of TOKEN_SHAPES) {
    // includes() is one native search; most texts hold no token prefix at all.
    if (needles.some((needle) => out.includes(needle))) out = out.replace(pattern, REDACTED);
  }
  return out.includes('PRIVATE KEY') ? redactPrivateKeyBlocks(out) : out;
}
