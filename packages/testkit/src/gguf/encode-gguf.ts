/**
 * A GGUF (v3) writer: enough of the format for a test model, written from the published
 * layout (little-endian header, typed key/value metadata, tensor infos, 32-byte-aligned data).
 */

/** One metadata value with its GGUF type. */
export type GgufValue =
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: readonly string[] }
  | { type: 'f32[]'; value: readonly number[] }
  | { type: 'i32[]'; value: readonly number[] };

/** One F32 tensor; `dims` in GGUF order (the fastest-varying dimension first). */
export interface GgufTensor {
  name: string;
  dims: readonly number[];
  data: Float32Array;
}

/** What a GGUF file holds. */
export interface GgufContent {
  metadata: Record<string, GgufValue>;
  tensors: readonly GgufTensor[];
}

/** The file's magic, "GGUF" read as a little-endian u32. */
export const GGUF_MAGIC = 0x46554747;
const VERSION = 3;
const ALIGNMENT = 32;
const TYPE = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9 } as const;
const GGML_F32 = 0;

/** Grows a byte buffer as values are appended. */
class ByteWriter {
  private chunks: Buffer[] = [];
  length = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }
  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.push(b);
  }
  i32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value);
    this.push(b);
  }
  u64(value: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.push(b);
  }
  f32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.push(b);
  }
  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }
  padTo(alignment: number): void {
    const rest = this.length % alignment;
    if (rest !== 0) this.push(Buffer.alloc(alignment - rest));
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** How each metadata type is written: its GGUF type, then its value. */
const WRITERS: { [K in GgufValue['type']]: (out: ByteWriter, value: never) => void } = {
  u32: (out, value: number) => {
    out.u32(TYPE.u32);
    out.u32(value);
  },
  i32: (out, value: number) => {
    out.u32(TYPE.i32);
    out.i32(value);
  },
  f32: (out, value: number) => {
    out.u32(TYPE.f32);
    out.f32(value);
  },
  bool: (out, value: boolean) => {
    out.u32(TYPE.bool);
    out.push(Buffer.from([value ? 1 : 0]));
  },
  string: (out, value: string) => {
    out.u32(TYPE.string);
    out.string(value);
  },
  'string[]': (out, value: readonly string[]) =>
    writeArray(out, TYPE.string, value, (s) => out.string(s)),
  'f32[]': (out, value: readonly number[]) => writeArray(out, TYPE.f32, value, (n) => out.f32(n)),
  'i32[]': (out, value: readonly number[]) => writeArray(out, TYPE.i32, value, (n) => out.i32(n)),
};

function writeArray<T>(
  out: ByteWriter,
  type: number,
  items: readonly T[],
  write: (item: T) => void,
) {
  out.u32(TYPE.array);
  out.u32(type);
  out.u64(items.length);
  for (const item of items) write(item);
}

/** Encodes a GGUF v3 file: header, metadata, tensor infos, then each tensor's F32 data aligned. */
export function encodeGguf(content: GgufContent): Buffer {
  const out = new ByteWriter();
  out.u32(GGUF_MAGIC);
  out.u32(VERSION);
  out.u64(content.tensors.length);
  out.u64(Object.keys(content.metadata).length);
  for (const [key, value] of Object.entries(content.metadata)) {
    out.string(key);
    (WRITERS[value.type] as (out: ByteWriter, value: unknown) => void)(out, value.value);
  }
  let offset = 0;
  for (const tensor of content.tensors) {
    const count = tensor.dims.reduce((a, b) => a * b, 1);
    if (count !== tensor.data.length)
      throw new Error(
        `tensor ${tensor.name}: dims hold ${count} values, data has ${tensor.data.length}`,
      );
    out.string(tensor.name);
    out.u32(tensor.dims.length);
    for (const dim of tensor.dims) out.u64(dim);
    out.u32(GGML_F32);
    out.u64(offset);
    offset += Math.ceil((count * 4) / ALIGNMENT) * ALIGNMENT;
  }
  out.padTo(ALIGNMENT);
  for (const tensor of content.tensors) {
    out.push(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    out.padTo(ALIGNMENT);
  }
  return out.toBuffer();
}
