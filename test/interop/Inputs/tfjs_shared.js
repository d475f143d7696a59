// Writes one TF.js Functional model per shape of layer sharing cnnc
// compiles (a layer applied several times, with one set of weights): a
// convolution applied to its own output, a Dense applied to two branches
// and merged, a convolution applied at two resolutions (its calls' output
// shapes differ), and a shared layer whose second call feeds a second
// shared layer. Random weights; TF.js's prediction on inputs in [0, 1) as
// DIR/mK/expected.npy, in each_model.js's layout.
//
// usage: tfjs_shared.js DIR
'use strict';
const fs = require('fs');
const path = require('path');
const {tf, rng, writeNpy, artifactsOf, writeModelDir, fanInUniform} = require('./tfjs.js');

const L = tf.layers;
const conv = (filters, kernelSize, extra = {}) =>
    L.conv2d({filters, kernelSize, padding: 'same', ...extra});

// [description, input shape, (input) => output] per model.
const MODELS = [
  ['a Conv2D applied to its own output, three times', [6, 6, 3], (x) => {
    const shared = conv(3, 3, {activation: 'tanh'});
    const y = shared.apply(shared.apply(shared.apply(x)));
    return L.dense({units: 4}).apply(L.flatten().apply(y));
  }],
  ['one Dense on two branches (global max and average pooling), added', [5, 5, 4], (x) => {
    const shared = L.dense({units: 3, activation: 'relu'});
    const a = shared.apply(L.globalMaxPooling2d({}).apply(x));
    const b = shared.apply(L.globalAveragePooling2d({}).apply(x));
    return L.add().apply([a, b]);
  }],
  ['one Conv2D at two resolutions, concatenated after pooling', [8, 8, 2], (x) => {
    const shared = conv(2, 3, {activation: 'relu'});
    const full = shared.apply(x);
    const half = shared.apply(L.maxPooling2d({poolSize: 2}).apply(x));
    const pooled = L.globalAveragePooling2d({}).apply(full);
    return L.concatenate().apply([pooled, L.globalAveragePooling2d({}).apply(half)]);
  }],
  ['two shared layers, the second on the first\'s second call', [4, 4, 2], (x) => {
    const first = conv(2, 1);
    const second = L.dense({units: 2, activation: 'sigmoid'});
    const a = first.apply(x);
    const b = first.apply(L.activation({activation: 'relu'}).apply(a));
    const c = second.apply(L.flatten().apply(b));
    const d = second.apply(L.flatten().apply(a));
    return L.multiply().apply([c, d]);
  }],
];

async function main() {
  const [outDir] = process.argv.slice(2);
  const r = rng(1902);
  const batch = 2;
  for (const [k, [text, input, make]] of MODELS.entries()) {
    const x0 = tf.input({shape: input});
    const model = tf.model({inputs: x0, outputs: make(x0)});
    for (const layer of model.layers) {
      const values = layer.getWeights().map((w) => fanInUniform(r, w));
      if (values.length) layer.setWeights(values);
    }
    const x = tf.tensor(r.floats(batch * input.reduce((a, b) => a * b, 1), 0, 1), [batch, ...input]);
    const y = model.predict(x);
    const dir = path.join(outDir, `m${k}`);
    writeModelDir(dir, await artifactsOf(model));
    writeNpy(path.join(dir, 'x.npy'), x.shape, x.dataSync());
    writeNpy(path.join(dir, 'expected.npy'), y.shape, y.dataSync());
    fs.writeFileSync(path.join(dir, 'layers.txt'), text + '\n');
  }
  console.log(`${MODELS.length} models`);
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
