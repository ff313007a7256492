// OME-Zarr interop driver for the .NET tests, run under Node.js with @fideus-labs/ngff-zarr (npm) installed by the
// test set-up.
//   node ngff-zarr-read.mjs <node_modules> <image dir>
// Opens the image with ngff-zarr's fromNgffZarr (schema validation on) and prints one JSON object: the version it
// detected, the multiscale metadata it parsed (axes, datasets with their transformations) and, per level, the dims,
// scale, translation, shape, data type and the level's values (little-endian bytes, C order, base64) read through
// the level's zarrita array.
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, dir] = process.argv.slice(2);
const load = (path) => import(pathToFileURL(join(modules, path)).href);
const ngff = await load("@fideus-labs/ngff-zarr/esm/mod.js");
const zarr = await load("zarrita/dist/src/index.js");

const multiscales = await ngff.fromNgffZarr(dir, { validate: true });
const { FileSystemStore } = await load("@zarrita/storage/dist/src/index.js");
const root = await zarr.open(new FileSystemStore(dir), { kind: "group" });
const version = ngff.detectVersion(root.attrs);

const images = [];
for (const image of multiscales.images) {
  const chunk = await zarr.get(image.data);
  // zarrita may hand back a strided view; gather C order through the strides.
  const shape = chunk.shape;
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new chunk.data.constructor(n);
  const index = new Array(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let offset = 0;
    for (let d = 0; d < shape.length; d++) offset += index[d] * chunk.stride[d];
    out[i] = chunk.data[offset];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  images.push({
    name: image.name,
    dims: image.dims,
    scale: image.scale,
    translation: image.translation,
    units: image.axesUnits ?? null,
    shape: image.data.shape,
    chunks: image.data.chunks,
    dtype: image.data.dtype,
    values: Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString("base64"),
  });
}

console.log(JSON.stringify({
  version,
  name: multiscales.metadata.name,
  axes: multiscales.metadata.axes,
  datasets: multiscales.metadata.datasets,
  type: multiscales.metadata.type ?? null,
  images,
}));
