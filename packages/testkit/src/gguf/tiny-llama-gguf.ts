import { writeFile } from 'node:fs/promises';
import { encodeGguf, type GgufTensor } from './encode-gguf.js';

/** Settings of `tinyLlamaGguf`. */
export interface TinyLlamaOptions {
  /** Seed of the random weights. Default: 1. */
  seed?: number;
  /** The context length the model declares, in tokens (one token is about one character). Default: 8192. */
  contextLength?: number;
}

// A byte-level SPM vocabulary: <unk> <s> </s>, the 256 byte tokens, then the space marker.
const BYTE_BASE = 3;
const SPACE_MARKER = '\u2581';
const VOCAB_SIZE = BYTE_BASE + 256 + 1;
const EMBED = 64;
const HEADS = 4;
const FEED_FORWARD = 128;
const LAYERS = 2;

// llama.cpp token types.
const NORMAL = 1;
const UNKNOWN = 2;
const CONTROL = 3;
const UNUSED = 5;
const BYTE = 6;

/** ChatML, which node-llama-cpp and llama.cpp both recognise. */
const CHAT_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const tokenOf = (char: string) => BYTE_BASE + char.charCodeAt(0);

/**
 * The next-token table. The layers are near zero, so the hidden state is the current token's
 * embedding and the logits depend on its class alone (a bigram model). Under a JSON grammar the
 * choices left to the model are few; these make every reply short and schema-valid: strings
 * are "a", arrays of objects hold one element, arrays of strings none, nullable fields null,
 * numbers 0, and file checks come first among the check kinds.
 */
const CLASSES = ['quote', 'letter-a', 'open-bracket', 'close', 'colon', 'digit', 'other'] as const;
type TokenClass = (typeof CLASSES)[number];
const PREFERENCES: Record<TokenClass, Record<string, number>> = {
  quote: { a: 24, f: 20, b: 16, c: 12, d: 8, ']': 6 },
  'letter-a': { '"': 24 },
  'open-bracket': { '{': 24, ']': 16 },
  close: { ']': 24, '}': 20 },
  colon: { n: 24, '0': 20, f: 16, '"': 12 },
  digit: { ',': 24, '}': 24, ']': 24 },
  other: { '"': 24, ']': 16, '}': 16 },
};
// Never chosen where the grammar leaves a choice: whitespace runs and escapes.
const AVOIDED = [' ', '\n', '\r', '\t', '\\'];

function classOf(token: number): TokenClass {
  const char =
    token >= BYTE_BASE && token < BYTE_BASE + 256 ? String.fromCharCode(token - BYTE_BASE) : '';
  if (char === '"') return 'quote';
  if (char === 'a') return 'letter-a';
  if (char === '[') return 'open-bracket';
  if (char === '}' || char === ']') return 'close';
  if (char === ':') return 'colon';
  if (char >= '0' && char <= '9' && char !== '') return 'digit';
  return 'other';
}

/** A small seeded PRNG (mulberry32) and a normal sample from it. */
function random(seed: number) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (std: number) =>
    std * Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
}

function vocabulary() {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [UNKNOWN, CONTROL, CONTROL];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    // Bytes 0x80-0xFF are never used: a grammar could otherwise emit invalid UTF-8.
    types.push(byte < 0x80 ? BYTE : UNUSED);
  }
  tokens.push(SPACE_MARKER);
  types.push(NORMAL);
  return { tokens, types };
}

/**
 * A tiny random-weight llama GGUF (about 0.5 MB): 2 layers, 64-wide, a byte-level vocabulary,
 * a ChatML chat template and a hand-set next-token table. Under a JSON-schema grammar it
 * writes short valid replies fast; it knows nothing else.
 */
export function tinyLlamaGguf(options: TinyLlamaOptions = {}): Buffer {
  const normal = random(options.seed ?? 1);
  const noise = (count: number, std: number) =>
    Float32Array.from({ length: count }, () => normal(std));
  const ones = (count: number) => new Float32Array(count).fill(1);

  const embeddings = noise(VOCAB_SIZE * EMBED, 0.01);
  const output = noise(VOCAB_SIZE * EMBED, 0.01);
  for (let token = 0; token < VOCAB_SIZE; token++) {
    embeddings[token * EMBED + CLASSES.indexOf(classOf(token))] = 1;
  }
  // RMS norm scales a one-hot embedding to sqrt(EMBED), so a logit is the table entry.
  const scale = 1 / Math.sqrt(EMBED);
  for (const [klass, preferences] of Object.entries(PREFERENCES)) {
    const dim = CLASSES.indexOf(klass as TokenClass);
    for (let token = 0; token < VOCAB_SIZE; token++) {
      // Random preferences between the choices the table leaves open ("random weights").
      output[token * EMBED + dim] = normal(1) * scale;
    }
    for (const [char, logit] of Object.entries(preferences))
      output[tokenOf(char) * EMBED + dim] = logit * scale;
    for (const char of AVOIDED) output[tokenOf(char) * EMBED + dim] = -30 * scale;
    output[(VOCAB_SIZE - 1) * EMBED + dim] = -30 * scale;
  }

  const tensors: GgufTensor[] = [
    { name: 'token_embd.weight', dims: [EMBED, VOCAB_SIZE], data: embeddings },
  ];
  for (let layer = 0; layer < LAYERS; layer++) {
    const blk = `blk.${layer}`;
    tensors.push(
      { name: `${blk}.attn_norm.weight`, dims: [EMBED], data: ones(EMBED) },
      { name: `${blk}.attn_q.weight`, dims: [EMBED, EMBED], data: noise(EMBED * EMBED, 0.02) },
      { name: `${blk}.attn_k.weight`, dims: [EMBED, EMBED], data: noise(EMBED * EMBED, 0.02) },
      { name: `${blk}.attn_v.weight`, dims: [EMBED, EMBED], data: noise(EMBED * EMBED, 0.02) },
      { name: `${blk}.attn_output.weight`, dims: [EMBED, EMBED], data: noise(EMBED * EMBED, 0.02) },
      { name: `${blk}.ffn_norm.weight`, dims: [EMBED], data: ones(EMBED) },
      {
        name: `${blk}.ffn_gate.weight`,
        dims: [EMBED, FEED_FORWARD],
        data: noise(EMBED * FEED_FORWARD, 0.02),
      },
      {
        name: `${blk}.ffn_up.weight`,
        dims: [EMBED, FEED_FORWARD],
        data: noise(EMBED * FEED_FORWARD, 0.02),
      },
      {
        name: `${blk}.ffn_down.weight`,
        dims: [FEED_FORWARD, EMBED],
        data: noise(FEED_FORWARD * EMBED, 0.02),
      },
    );
  }
  tensors.push(
    { name: 'output_norm.weight', dims: [EMBED], data: ones(EMBED) },
    { name: 'output.weight', dims: [EMBED, VOCAB_SIZE], data: output },
  );

  const { tokens, types } = vocabulary();
  return encodeGguf({
    metadata: {
      'general.architecture': { type: 'string', value: 'llama' },
      'general.name': { type: 'string', value: 'codegod-tiny' },
      'llama.context_length': { type: 'u32', value: options.contextLength ?? 8192 },
      'llama.embedding_length': { type: 'u32', value: EMBED },
      'llama.block_count': { type: 'u32', value: LAYERS },
      'llama.feed_forward_length': { type: 'u32', value: FEED_FORWARD },
      'llama.attention.head_count': { type: 'u32', value: HEADS },
      'llama.attention.head_count_kv': { type: 'u32', value: HEADS },
      'llama.attention.layer_norm_rms_epsilon': { type: 'f32', value: 1e-5 },
      'llama.rope.dimension_count': { type: 'u32', value: EMBED / HEADS },
      'tokenizer.ggml.model': { type: 'string', value: 'llama' },
      'tokenizer.ggml.tokens': { type: 'string[]', value: tokens },
      'tokenizer.ggml.scores': { type: 'f32[]', value: tokens.map(() => 0) },
      'tokenizer.ggml.token_type': { type: 'i32[]', value: types },
      'tokenizer.ggml.unknown_token_id': { type: 'u32', value: 0 },
      'tokenizer.ggml.bos_token_id': { type: 'u32', value: 1 },
      'tokenizer.ggml.eos_token_id': { type: 'u32', value: 2 },
      'tokenizer.ggml.add_bos_token': { type: 'bool', value: true },
      'tokenizer.ggml.add_eos_token': { type: 'bool', value: false },
      // Without this, llama.cpp fails every grammar request with "Failed to initialize samplers".
      'tokenizer.ggml.add_space_prefix': { type: 'bool', value: false },
      'tokenizer.chat_template': { type: 'string', value: CHAT_TEMPLATE },
    },
    tensors,
  });
}

/** Writes `tinyLlamaGguf(options)` to `path` and returns the path. */
export async function writeTinyLlamaGguf(
  path: string,
  options: TinyLlamaOptions = {},
): Promise<string> {
  await writeFile(path, tinyLlamaGguf(options));
  return path;
}
