// Checks that NaN propagates as in TF.js: for every DIR/mK, runs COMMAND
// (each `{}` in it replaced by DIR/mK), then checks that the GOT.npy it
// wrote and EXPECTED.npy have the same shape, NaN in the same places, and
// elsewhere differ by at most TOLERANCE. Prints a line per failure and a
// summary; exits 1 if any failed or none was checked.
//
// usage: nan_agrees.js DIR GOT.npy EXPECTED.npy TOLERANCE -- COMMAND ARGS...
'use strict';
const fs = require('fs');
const path = require('path');
const {readNpy} = require('./npy.js');

const {spawnSync} = require('child_process');

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
if (dash !== 4) {
  console.error('usage: nan_agrees.js DIR GOT.npy EXPECTED.npy TOLERANCE -- COMMAND...');
  process.exit(2);
}
const [dir, gotName, expectedName, tolText] = argv;
const command = argv.slice(dash + 1);
const tolerance = Number(tolText);
let checked = 0, nans = 0;
const failures = [];
for (const name of fs.readdirSync(dir).filter(d => /^m\d+$/.test(d))) {
  const m = path.join(dir, name);
  fs.rmSync(path.join(m, gotName), {force: true});
  const args = command.map(a => a.split('{}').join(m));
  const run = spawnSync(args[0], args.slice(1), {encoding: 'utf8'});
  if (run.status !== 0) {
    failures.push(`${name}: exited with ${run.status ?? run.signal}: ${(run.stderr || '').trim()}`);
    continue;
  }
  const got = readNpy(path.join(dir, name, gotName));
  const expected = readNpy(path.join(dir, name, expectedName));
  ++checked;
  if (got.shape.join() !== expected.shape.join()) {
    failures.push(`${name}: shape (${got.shape}) instead of (${expected.shape})`);
    continue;
  }
  for (let i = 0; i < got.data.length; ++i) {
    const g = got.data[i], e = expected.data[i];
    if (Number.isNaN(e)) ++nans;
    const ok = Number.isNaN(e) ? Number.isNaN(g) : Math.abs(g - e) <= tolerance;
    if (!ok) {
      failures.push(`${name}: element ${i} is ${g}, TF.js has ${e}`);
      break;
    }
  }
}
for (const f of failures) console.log('FAIL ' + f);
console.log(`${checked} models checked, ${nans} NaN expected, ${failures.length} failed`);
process.exit(failures.length || !checked ? 1 : 0);
