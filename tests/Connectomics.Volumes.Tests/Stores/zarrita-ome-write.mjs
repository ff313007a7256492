// Writes, with zarrita (npm, installed by the test set-up), a Zarr v3 hierarchy for the VolumeStore tests:
//   node zarrita-ome-write.mjs <node_modules> <dir>
// <dir>/image.zarr: an OME-Zarr 0.5 image (c, z, y, x; z in micrometres, y and x in nanometres), levels "0" and "1"
// (uint16, bytes + zstd, dimension_names), and a plain group "labels" holding the array "labels/cells" (uint32).
// Each array's values go to <dir>/<path with / as _>.bin (little-endian, C order). Prints the OME metadata written.
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, dir] = process.argv.slice(2);
const load = (path) => import(pathToFileURL(join(modules, path)).href);
const zarr = await load("zarrita/dist/src/index.js");
const FileSystemStore = (await load("@zarrita/storage/dist/src/fs.js")).default;

const store = new FileSystemStore(join(dir, "image.zarr"));
const root = zarr.root(store);
const ome = {
  version: "0.5",
  multiscales: [{
    name: "zarrita",
    axes: [
      { name: "c", type: "channel" },
      { name: "z", type: "space", unit: "micrometer" },
      { name: "y", type: "space", unit: "nanometer" },
      { name: "x", type: "space", unit: "nanometer" },
    ],
    datasets: [
      { path: "0", coordinateTransformations: [{ type: "scale", scale: [1, 0.05, 8, 8] }] },
      { path: "1", coordinateTransformations: [{ type: "scale", scale: [1, 0.1, 16, 16] }, { type: "translation", translation: [0, 0.025, 4, 4] }] },
    ],
  }],
};
await zarr.create(root, { attributes: { ome } });
await zarr.create(root.resolve("labels"), { attributes: { purpose: "a plain group" } });

function values(Ctor, count, seed) {
  const out = new Ctor(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (i * 13 + (state >>> 24)) % 65000;
  }
  return out;
}

const zstd = { name: "zstd", configuration: { level: 3, checksum: false } };
const bytes = { name: "bytes", configuration: { endian: "little" } };
const arrays = [
  { path: "0", dtype: "uint16", Ctor: Uint16Array, shape: [2, 6, 7, 8], chunks: [1, 3, 4, 4], names: ["c", "z", "y", "x"] },
  { path: "1", dtype: "uint16", Ctor: Uint16Array, shape: [2, 3, 4, 4], chunks: [1, 3, 4, 4], names: ["c", "z", "y", "x"] },
  { path: "labels/cells", dtype: "uint32", Ctor: Uint32Array, shape: [6, 7, 8], chunks: [4, 4, 4] },
];
for (const [i, a] of arrays.entries()) {
  const arr = await zarr.create(root.resolve(a.path), {
    shape: a.shape, chunkShape: a.chunks, dtype: a.dtype, codecs: [bytes, zstd], fillValue: 0, dimensionNames: a.names,
  });
  const count = a.shape.reduce((x, y) => x * y, 1);
  const data = values(a.Ctor, count, 17 + i);
  const stride = a.shape.map((_, k) => a.shape.slice(k + 1).reduce((x, y) => x * y, 1));
  await zarr.set(arr, null, { data, shape: a.shape, stride });
  await fs.writeFile(join(dir, `${a.path.replaceAll("/", "_")}.bin`), new Uint8Array(data.buffer));
}

console.log(JSON.stringify(ome));
