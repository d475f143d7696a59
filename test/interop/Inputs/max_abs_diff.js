// Runs npy.js's maxAbsDiff on two crafted arrays, as the interop scripts
// use it: both written with writeNpy, read back with readNpy, compared with
// `diff <= tolerance`.
//
// usage: node max_abs_diff.js DIR A B [TOLERANCE]
// A and B are comma-separated numbers (NaN, Infinity and -Infinity allowed);
// prints the difference and whether it is within TOLERANCE (default 1e-5).
'use strict';
const path = require('path');
const {writeNpy, readNpy, maxAbsDiff} = require('./npy.js');

const [dir, a, b, tolerance = '1e-5'] = process.argv.slice(2);
const values = text => text.split(',').map(Number);
const write = (name, text) => {
  const file = path.join(dir, name);
  writeNpy(file, [values(text).length], values(text));
  return readNpy(file);
};
const diff = maxAbsDiff(write('a.npy', a), write('b.npy', b));
console.log(`[${a}] vs [${b}]: max abs diff ${diff}, ` +
            `${diff !== null && diff <= Number(tolerance) ? 'within' : 'NOT within'} ${tolerance}`);
