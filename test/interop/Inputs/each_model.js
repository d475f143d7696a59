// Runs one command per generated model and compares what it wrote with
// TF.js's expected output.
//
// usage: each_model.js DIR OUT.npy TOLERANCE [--expected E.npy] [--if-exists F]
//                      [--unless-layer NAME]
//                      -- COMMAND ARGS... [-- COMMAND ARGS...]...
// For every DIR/mK (in order of K), runs the COMMANDs in turn (stopping at
// the first that fails) with each `{}` in their ARGS replaced by DIR/mK,
// then compares DIR/mK/OUT.npy with DIR/mK/E.npy
// (default expected.npy): same shape and max |difference| <= TOLERANCE.
// --if-exists F skips the models without DIR/mK/F (e.g. no .h5 for a model
// Keras cannot hold), --unless-layer NAME those whose layers.txt names NAME
// (MinPooling, which cnnc refuses to export). Prints one line per failure
// (the model, what went wrong, its layers) and a summary; exits 1 if any
// model failed or none ran.
'use strict';
const fs = require('fs');
const path = require('path');
const {spawnSync} = require('child_process');
const {readNpy, maxAbsDiff} = require('./npy.js');

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
if (dash < 3) {
  console.error('usage: each_model.js DIR OUT.npy TOLERANCE [--expected E] [--if-exists F] [--unless-layer L] -- COMMAND...');
  process.exit(2);
}
const [dir, out, tolText] = argv;
const tolerance = Number(tolText);
const option = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 && i < dash ? argv[i + 1] : null;
};
const expectedName = option('--expected') || 'expected.npy';
const ifExists = option('--if-exists');
const unlessLayer = option('--unless-layer');
// The commands, split at each bare `--`.
const commands = [[]];
for (const a of argv.slice(dash + 1)) {
  if (a === '--') commands.push([]);
  else commands[commands.length - 1].push(a);
}

const models = fs.readdirSync(dir).filter(d => /^m\d+$/.test(d))
                 .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
let checked = 0, skipped = 0, worst = 0;
const failures = [];
for (const name of models) {
  const m = path.join(dir, name);
  if (ifExists && !fs.existsSync(path.join(m, ifExists))) { ++skipped; continue; }
  const layers = fs.readFileSync(path.join(m, 'layers.txt'), 'utf8').trim();
  if (unlessLayer && layers.includes(unlessLayer)) { ++skipped; continue; }
  const fail = (what) => failures.push(`${name}: ${what}\n    layers: ${layers}`);
  ++checked;
  fs.rmSync(path.join(m, out), {force: true});
  const failed = commands.some((command) => {
    const args = command.map(a => a.split('{}').join(m));
    const run = spawnSync(args[0], args.slice(1), {encoding: 'utf8'});
    if (run.status === 0) return false;
    fail(`${args.slice(0, 3).map(a => path.basename(a)).join(' ')} ... exited with ${run.status ?? run.signal}: ` +
         [run.stderr, run.stdout, run.error].filter(x => x).join('\n').trim().split('\n').slice(-3).join(' / '));
    return true;
  });
  if (failed) continue;
  let got, expected;
  try {
    got = readNpy(path.join(m, out));
    expected = readNpy(path.join(m, expectedName));
  } catch (e) {
    fail(e.message);
    continue;
  }
  const diff = maxAbsDiff(expected, got);
  if (diff === null) fail(`shape (${got.shape}) instead of (${expected.shape})`);
  else if (!(diff <= tolerance)) fail(`max abs diff ${diff.toExponential(2)} > ${tolerance}`);
  else worst = Math.max(worst, diff);
}
for (const f of failures) console.log('FAIL ' + f);
console.log(`${checked} models checked, ${skipped} skipped, ${failures.length} failed; ` +
            `largest passing difference ${worst.toExponential(1)} (tolerance ${tolerance})`);
process.exit(failures.length || !checked ? 1 : 0);
