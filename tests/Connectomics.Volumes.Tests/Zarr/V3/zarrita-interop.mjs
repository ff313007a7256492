// Zarr v3 interop driver for the .NET tests, run under Node.js with zarrita (npm) installed by the test set-up.
//   node zarrita-interop.mjs <node_modules> write <dir>   writes the arrays of CASES with zarrita into <dir>/<name>,
//                                                        and each array's values as <dir>/<name>.expected.bin
//   node zarrita-interop.mjs <node_modules> read <dir>    reads every array listed in <dir>/manifest.json with zarrita
//                                                        and writes its values as <dir>/<name>.zarrita.bin
// Values are little-endian, C order, whole arrays. Prints one JSON line per array.
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, command, dir] = process.argv.slice(2);
const load = (path) => import(pathToFileURL(join(modules, path)).href);
const zarr = await load("zarrita/dist/src/index.js");
const FileSystemStore = (await load("@zarrita/storage/dist/src/fs.js")).default;

// zarrita reads gzip but cannot write it: numcodecs' gzip can.
zarr.registry.set("gzip", async () => (await load("numcodecs/dist/gzip.js")).default);

// numcodecs' Blosc takes the shuffle as a number; Zarr v3 spells it.
zarr.registry.set("blosc", async () => {
  const Blosc = (await load("numcodecs/dist/blosc.js")).default;
  const shuffles = { noshuffle: 0, shuffle: 1, bitshuffle: 2 };
  return { fromConfig: (c) => Blosc.fromConfig({ ...c, shuffle: shuffles[c.shuffle] ?? c.shuffle }) };
});

// zarrita strips crc32c without writing it; this encoder appends the CRC-32C (Castagnoli, reflected 0x82F63B78).
const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32c(bytes) {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC_TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
if (crc32c(new TextEncoder().encode("123456789")) !== 0xe3069283) throw new Error("crc32c check value");
zarr.registry.set("crc32c", async () => ({
  fromConfig: () => ({
    kind: "bytes_to_bytes",
    encode(bytes) {
      const out = new Uint8Array(bytes.length + 4);
      out.set(bytes);
      new DataView(out.buffer).setUint32(bytes.length, crc32c(bytes), true);
      return out;
    },
    decode(bytes) {
      const body = bytes.subarray(0, bytes.length - 4);
      const stored = new DataView(bytes.buffer, bytes.byteOffset + body.length, 4).getUint32(0, true);
      if (stored !== crc32c(body)) throw new Error("crc32c mismatch");
      return body;
    },
    computeEncodedSize: (n) => n + 4,
  }),
}));

const CTORS = {
  int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array,
  int64: BigInt64Array, uint64: BigUint64Array, float32: Float32Array, float64: Float64Array,
};

// Deterministic values: a slow ramp plus noise, so compressors find something to compress, spanning the type's
// range (negative numbers, high bits of 64-bit types, fractions).
function values(dtype, count) {
  const Ctor = CTORS[dtype];
  const out = new Ctor(count);
  let state = 0x9e3779b9;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const noise = state >>> 29;
    if (dtype === "float32" || dtype === "float64") out[i] = (i - count / 2) * 0.25 + noise * 0.125;
    else if (dtype === "int64") out[i] = BigInt(i * 3 + noise) - 9000000000000000000n;
    else if (dtype === "uint64") out[i] = 18000000000000000000n + BigInt(i * 5 + noise);
    else out[i] = Math.floor(i / 3) * 7 + noise - 20; // typed arrays wrap to the type
  }
  return out;
}

const bytes = { name: "bytes", configuration: { endian: "little" } };
const CASES = [
  { name: "transpose_u16", dtype: "uint16", shape: [5, 7, 9], chunks: [3, 4, 5], fill: 7,
    codecs: [{ name: "transpose", configuration: { order: [2, 0, 1] } }, bytes] },
  { name: "big_endian_f32", dtype: "float32", shape: [6, 10], chunks: [4, 4], fill: "NaN",
    codecs: [{ name: "bytes", configuration: { endian: "big" } }] },
  { name: "big_endian_i64", dtype: "int64", shape: [9, 4], chunks: [4, 3], fill: 0,
    codecs: [{ name: "bytes", configuration: { endian: "big" } }] },
  { name: "blosc_lz4_u16", dtype: "uint16", shape: [10, 12, 14], chunks: [4, 5, 6], fill: 0,
    codecs: [bytes, { name: "blosc", configuration: { cname: "lz4", clevel: 5, shuffle: "shuffle", typesize: 2, blocksize: 0 } }] },
  { name: "blosc_zstd_bitshuffle_i32", dtype: "int32", shape: [7, 8, 9], chunks: [4, 4, 4], fill: -1,
    codecs: [bytes, { name: "blosc", configuration: { cname: "zstd", clevel: 3, shuffle: "bitshuffle", typesize: 4, blocksize: 0 } }] },
  { name: "blosc_blosclz_noshuffle_f64", dtype: "float64", shape: [5, 6], chunks: [2, 4], fill: 0,
    codecs: [bytes, { name: "blosc", configuration: { cname: "blosclz", clevel: 9, shuffle: "noshuffle", typesize: 8, blocksize: 0 } }] },
  { name: "zstd_u64", dtype: "uint64", shape: [6, 7, 8], chunks: [3, 3, 3], fill: 0,
    codecs: [bytes, { name: "zstd", configuration: { level: 3, checksum: false } }] },
  { name: "gzip_u8", dtype: "uint8", shape: [11, 13, 17], chunks: [4, 8, 16], fill: 0,
    codecs: [{ name: "bytes" }, { name: "gzip", configuration: { level: 5 } }] },
  { name: "crc32c_f64", dtype: "float64", shape: [4, 5, 6], chunks: [2, 5, 4], fill: "Infinity",
    codecs: [bytes, { name: "crc32c" }] },
  { name: "transpose_big_zstd_crc32c_i16", dtype: "int16", shape: [6, 5, 7], chunks: [4, 3, 5], fill: -3,
    codecs: [{ name: "transpose", configuration: { order: [1, 2, 0] } }, { name: "bytes", configuration: { endian: "big" } },
      { name: "zstd", configuration: { level: 1, checksum: false } }, { name: "crc32c" }] },
  { name: "dot_separator_u32", dtype: "uint32", shape: [5, 5], chunks: [2, 3], fill: 0, separator: ".",
    codecs: [bytes] },
];

// Copies a strided view into a new C-order typed array of the same type.
function contiguous({ data, shape, stride }) {
  const count = shape.reduce((a, b) => a * b, 1);
  const out = new data.constructor(count);
  const index = new Array(shape.length).fill(0);
  for (let i = 0; i < count; i++) {
    let offset = 0;
    for (let a = 0; a < shape.length; a++) offset += index[a] * stride[a];
    out[i] = data[offset];
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++index[a] < shape[a]) break;
      index[a] = 0;
    }
  }
  return out;
}

const asBytes = (typed) => new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);

// zarrita 0.7.5 reads every shard index as a suffix, whatever index_location says. For arrays written with the index
// at the start, this moves each shard's index to the end (offsets shifted, crc32c recomputed) so zarrita can read them.
async function relocateStartIndexes(root) {
  const meta = JSON.parse(await fs.readFile(join(root, "zarr.json"), "utf8"));
  const sharding = meta.codecs.find((c) => c.name === "sharding_indexed");
  if (!sharding || sharding.configuration.index_location !== "start") return false;
  const shard = meta.chunk_grid.configuration.chunk_shape;
  const inner = sharding.configuration.chunk_shape;
  const count = shard.reduce((n, s, i) => n * (s / inner[i]), 1);
  const checksum = sharding.configuration.index_codecs.some((c) => c.name === "crc32c");
  const indexSize = 16 * count + (checksum ? 4 : 0);
  const files = (await fs.readdir(root, { recursive: true })).filter((f) => f !== "zarr.json");
  for (const file of files) {
    const path = join(root, file);
    if (!(await fs.stat(path)).isFile()) continue;
    const buf = new Uint8Array(await fs.readFile(path));
    const index = new DataView(buf.buffer, buf.byteOffset, 16 * count);
    if (checksum && new DataView(buf.buffer, buf.byteOffset + 16 * count, 4).getUint32(0, true) !== crc32c(buf.subarray(0, 16 * count))) {
      throw new Error(`${path}: shard index crc32c mismatch`);
    }
    const body = buf.subarray(indexSize);
    const moved = new Uint8Array(body.length + indexSize);
    moved.set(body);
    const out = new DataView(moved.buffer, body.length, 16 * count);
    for (let i = 0; i < count; i++) {
      let offset = index.getBigUint64(16 * i, true);
      const length = index.getBigUint64(16 * i + 8, true);
      if (offset !== 0xffffffffffffffffn) offset -= BigInt(indexSize);
      out.setBigUint64(16 * i, offset, true);
      out.setBigUint64(16 * i + 8, length, true);
    }
    if (checksum) new DataView(moved.buffer).setUint32(body.length + 16 * count, crc32c(moved.subarray(body.length, body.length + 16 * count)), true);
    await fs.writeFile(path, moved);
  }
  sharding.configuration.index_location = "end";
  await fs.writeFile(join(root, "zarr.json"), JSON.stringify(meta));
  return true;
}

if (command === "write") {
  for (const c of CASES) {
    const store = new FileSystemStore(join(dir, c.name));
    const arr = await zarr.create(store, {
      shape: c.shape, chunkShape: c.chunks, dtype: c.dtype, codecs: c.codecs, fillValue: c.fill,
      chunkSeparator: c.separator ?? "/",
    });
    const count = c.shape.reduce((a, b) => a * b, 1);
    const data = values(c.dtype, count);
    const stride = c.shape.map((_, i) => c.shape.slice(i + 1).reduce((a, b) => a * b, 1));
    await zarr.set(arr, null, { data, shape: c.shape, stride });
    await fs.writeFile(join(dir, `${c.name}.expected.bin`), asBytes(data));
    console.log(JSON.stringify({ written: c.name, dtype: c.dtype, shape: c.shape }));
  }
} else if (command === "read") {
  const manifest = JSON.parse(await fs.readFile(join(dir, "manifest.json"), "utf8"));
  for (const name of manifest) {
    const root = join(dir, name);
    const relocated = await relocateStartIndexes(root);
    const arr = await zarr.open(new FileSystemStore(root), { kind: "array" });
    const view = await zarr.get(arr, null);
    await fs.writeFile(join(dir, `${name}.zarrita.bin`), asBytes(contiguous(view)));
    console.log(JSON.stringify({ read: name, dtype: arr.dtype, shape: arr.shape, relocated }));
  }
} else {
  throw new Error(`unknown command ${command}`);
}
