import { describe, expect, it } from 'vitest';
import { encodeGguf, GGUF_MAGIC } from './encode-gguf.js';
import { tinyLlamaGguf } from './tiny-llama-gguf.js';

/** Reads back what encodeGguf wrote: the header, the metadata keys and the tensor infos. */
function readGguf(file: Buffer) {
  let at = 0;
  const u32 = () => {
    at += 4;
    return file.readUInt32LE(at - 4);
  };
  const u64 = () => {
    at += 8;
    return Number(file.readBigUInt64LE(at - 8));
  };
  const string = () => {
    const length = u64();
    at += length;
    return file.toString('utf8', at - length, at);
  };
  const sizes: Record<number, number> = { 4: 4, 5: 4, 6: 4, 7: 1 };
  const skipValue = (type: number): unknown => {
    if (type === 8) return string();
    if (type === 9) {
      const itemType = u32();
      const count = u64();
      return Array.from({ length: count }, () => skipValue(itemType));
    }
    const value =
      type === 4
        ? file.readUInt32LE(at)
        : type === 5
          ? file.readInt32LE(at)
          : type === 7
            ? file[at]
            : undefined;
    at += sizes[type]!;
    return value;
  };
  const magic = u32();
  const version = u32();
  const tensorCount = u64();
  const metadataCount = u64();
  const metadata: Record<string, unknown> = {};
  for (let i = 0; i < metadataCount; i++) {
    const key = string();
    metadata[key] = skipValue(u32());
  }
  const tensors = Array.from({ length: tensorCount }, () => {
    const name = string();
    const dims = Array.from({ length: u32() }, () => u64());
    return { name, dims, type: u32(), offset: u64() };
  });
  const dataStart = Math.ceil(at / 32) * 32;
  return { magic, version, metadata, tensors, dataStart };
}

describe('encodeGguf', () => {
  it('writes the header, metadata and 32-byte-aligned F32 tensors that read back', () => {
    const data = Float32Array.from([1.5, -2, 3.25]);
    const file = encodeGguf({
      metadata: {
        'general.architecture': { type: 'string', value: 'llama' },
        'x.count': { type: 'u32', value: 7 },
        'x.flag': { type: 'bool', value: true },
        'x.names': { type: 'string[]', value: ['a', 'bé'] },
      },
      tensors: [
        { name: 'first', dims: [3], data },
        { name: 'second', dims: [1, 3], data },
      ],
    });
    const read = readGguf(file);
    expect(read.magic).toBe(GGUF_MAGIC);
    expect(file.subarray(0, 4).toString()).toBe('GGUF');
    expect(read.version).toBe(3);
    expect(read.metadata).toEqual({
      'general.architecture': 'llama',
      'x.count': 7,
      'x.flag': 1,
      'x.names': ['a', 'bé'],
    });
    expect(read.tensors).toEqual([
      { name: 'first', dims: [3], type: 0, offset: 0 },
      { name: 'second', dims: [1, 3], type: 0, offset: 32 },
    ]);
    for (const tensor of read.tensors) {
      const start = read.dataStart + tensor.offset;
      expect(start % 32).toBe(0);
      expect([0, 1, 2].map((i) => file.readFloatLE(start + i * 4))).toEqual([1.5, -2, 3.25]);
    }
  });

  it('refuses a tensor whose dims do not match its data', () => {
    expect(() =>
      encodeGguf({
        metadata: {},
        tensors: [{ name: 't', dims: [2, 2], data: new Float32Array(3) }],
      }),
    ).toThrow(/tensor t: dims hold 4 values, data has 3/);
  });
});

describe('tinyLlamaGguf', () => {
  it('is a 2-layer llama of about 0.5 MB with a byte vocabulary and a chat template', () => {
    const file = tinyLlamaGguf();
    expect(file.length).toBeGreaterThan(300_000);
    expect(file.length).toBeLessThan(700_000);
    const { metadata, tensors } = readGguf(file);
    expect(metadata['general.architecture']).toBe('llama');
    expect(metadata['llama.block_count']).toBe(2);
    expect(metadata['tokenizer.ggml.add_space_prefix']).toBe(0);
    expect(metadata['tokenizer.chat_template']).toContain('<|im_start|>');
    const tokens = metadata['tokenizer.ggml.tokens'] as string[];
    expect(tokens.slice(0, 4)).toEqual(['<unk>', '<s>', '</s>', '<0x00>']);
    expect(tokens).toHaveLength(260);
    const types = metadata['tokenizer.ggml.token_type'] as number[];
    expect(types[3 + 0x41]).toBe(6);
    expect(types[3 + 0x80]).toBe(5);
    expect(tensors.map((t) => t.name)).toContain('blk.1.ffn_down.weight');
    expect(tinyLlamaGguf().equals(file)).toBe(true);
    expect(tinyLlamaGguf({ seed: 2 }).equals(file)).toBe(false);
  });
});
