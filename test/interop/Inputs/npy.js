// .npy files and their comparison, for the interop scripts (no numpy).
'use strict';
const fs = require('fs');

// .npy version 1.0, little-endian float32, C order: what cnnc reads and writes.
function writeNpy(file, shape, data) {
  const dims = shape.join(', ') + (shape.length === 1 ? ',' : '');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  header += ' '.repeat((64 - (10 + header.length + 1) % 64) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.from(Float32Array.from(data).buffer);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
}

function readNpy(file) {
  const blob = fs.readFileSync(file);
  if (blob.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not a .npy file`);
  const v1 = blob[6] === 1;
  const len = v1 ? blob.readUInt16LE(8) : blob.readUInt32LE(8);
  const start = v1 ? 10 : 12;
  const header = blob.toString('latin1', start, start + len);
  if (!/'descr': '<f4'/.test(header) || !/'fortran_order': False/.test(header))
    throw new Error(`${file}: not little-endian float32 in C order: ${header.trim()}`);
  const shape = header.match(/'shape': \(([^)]*)\)/)[1].split(',')
                      .map(s => s.trim()).filter(s => s).map(Number);
  const bytes = blob.subarray(start + len);
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return {shape, data};
}

// Max |a - b| of two arrays of one shape; null when the shapes (or the
// element counts) differ. NaN as soon as a NaN is on either side, NaN against
// NaN included, or infinities of one sign meet (inf - inf): NaN is never
// <= a tolerance, so such a pair always fails the callers' `diff <= tol`.
// (No test needs two NaNs to agree: a reference with a NaN checks nothing.)
function maxAbsDiff(a, b) {
  if (a.shape.join() !== b.shape.join() || a.data.length !== b.data.length) return null;
  let worst = 0;
  for (let i = 0; i < a.data.length; ++i) {
    const d = Math.abs(a.data[i] - b.data[i]);
    if (Number.isNaN(d)) return NaN;  // sticky: a later, smaller d must not hide it
    if (d > worst) worst = d;
  }
  return worst;
}

module.exports = {writeNpy, readNpy, maxAbsDiff};
