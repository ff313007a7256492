#!/usr/bin/env python3
"""Writes, with zarr-python 2 (Debian python3-zarr), the Zarr v2 hierarchies the VolumeStore tests read:

    /usr/bin/python3 zarr_python_ome_write.py OUT_DIR

OUT_DIR/ome.zarr: an OME-Zarr 0.4 image as bioformats2raw-style tools lay it out (axes t, c, z, y, x with a single
time point; z in micrometres, y and x in nanometres), levels "0" and "1" (uint8, Blosc lz4, '/' separator), with
consolidated metadata (.zmetadata). OUT_DIR/plain.zarr: groups without OME metadata holding "volumes/raw" (uint16,
zstd) and "volumes/labels" (uint64, '/' separator), not consolidated.
Each array's values go to OUT_DIR/<store>_<path with / as _>.bin (little-endian, C order).
"""
import json
import os
import sys

import numpy as np
import zarr
from numcodecs import Blosc, Zstd

out = sys.argv[1]
rng = np.random.default_rng(7)


def save(name, array):
    np.ascontiguousarray(array[...]).astype(array.dtype.newbyteorder("<")).tofile(os.path.join(out, name + ".bin"))


ome = zarr.open_group(zarr.DirectoryStore(os.path.join(out, "ome.zarr"), dimension_separator="/"), mode="w")
for level, shape in enumerate([(1, 2, 9, 10, 11), (1, 2, 5, 5, 6)]):
    data = rng.integers(0, 256, size=shape, dtype=np.uint8)
    array = ome.create_dataset(str(level), shape=shape, chunks=(1, 1, 4, 4, 4), dtype="u1",
                               compressor=Blosc(cname="lz4", clevel=5, shuffle=Blosc.SHUFFLE))
    array[...] = data
    save(f"ome_{level}", array)
ome.attrs["multiscales"] = [{
    "version": "0.4",
    "name": "zarr-python",
    "axes": [{"name": "t", "type": "time", "unit": "second"}, {"name": "c", "type": "channel"},
             {"name": "z", "type": "space", "unit": "micrometer"}, {"name": "y", "type": "space", "unit": "nanometer"},
             {"name": "x", "type": "space", "unit": "nanometer"}],
    "datasets": [
        {"path": "0", "coordinateTransformations": [{"type": "scale", "scale": [1.0, 1.0, 0.04, 8.0, 8.0]}]},
        {"path": "1", "coordinateTransformations": [{"type": "scale", "scale": [1.0, 1.0, 0.08, 16.0, 16.0]},
                                                     {"type": "translation", "translation": [0, 0, 0.02, 4, 4]}]},
    ],
    "type": "mean",
}]
zarr.consolidate_metadata(ome.store)

plain = zarr.open_group(os.path.join(out, "plain.zarr"), mode="w")
volumes = plain.create_group("volumes")
raw = volumes.create_dataset("raw", shape=(7, 8, 9), chunks=(4, 4, 4), dtype="<u2", compressor=Zstd(level=3))
raw[...] = rng.integers(0, 65536, size=(7, 8, 9), dtype=np.uint16)
save("plain_volumes_raw", raw)
labels_store = zarr.DirectoryStore(os.path.join(out, "plain.zarr"), dimension_separator="/")
labels = zarr.open_array(labels_store, path="volumes/labels", mode="w", shape=(3, 4, 5), chunks=(2, 2, 2), dtype="<u8")
labels[...] = rng.integers(0, 1 << 40, size=(3, 4, 5), dtype=np.uint64)
save("plain_volumes_labels", labels)
print(json.dumps({"zarr": zarr.__version__}))
