// MNIST's IDX files (gz or not) for the interop scripts.
//
// usage: mnist.js IDX_DIR t10k|train N OUT.npy
// Writes the first N images of the set as OUT.npy, float32 (N, 28, 28, 1)
// scaled by 1/255 as the lesson's model is fed.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const {writeNpy} = require('./npy.js');

function readIdx(dir, name) {
  const plain = path.join(dir, name);
  const blob = fs.existsSync(plain) ? fs.readFileSync(plain) : zlib.gunzipSync(fs.readFileSync(plain + '.gz'));
  const magic = blob.readUInt32BE(0);
  const rank = magic & 0xff;
  const dims = Array.from({length: rank}, (_, i) => blob.readUInt32BE(4 + 4 * i));
  return {dims, data: blob.subarray(4 + 4 * rank)};
}

// Images as float32 in [0, 1], (N, 28, 28, 1), and their labels.
function load(dir, set, n) {
  const images = readIdx(dir, `${set}-images-idx3-ubyte`);
  const labels = readIdx(dir, `${set}-labels-idx1-ubyte`);
  const count = Math.min(n ?? images.dims[0], images.dims[0]);
  const x = new Float32Array(count * 784);
  for (let i = 0; i < x.length; ++i) x[i] = images.data[i] / 255;
  return {x, shape: [count, 28, 28, 1], y: Int32Array.from(labels.data.subarray(0, count))};
}

if (require.main === module) {
  const [dir, set, n, out] = process.argv.slice(2);
  const {x, shape} = load(dir, set, Number(n));
  writeNpy(out, shape, x);
}
module.exports = {load};
