// Writes one TF.js Functional model (tf.model({inputs, outputs})) per graph
// shape cnnc compiles: a residual block (Add after two convolutions, and a
// projection shortcut), an inception-style block (Concatenate of three
// branches), each merge layer TF.js has (Add, Multiply, Average, Maximum,
// Minimum, on three branches), a squeeze-and-excitation Multiply that
// broadcasts (C) over (H, W, C), Concatenate along rows, and a value used
// by three layers; random weights, TF.js's prediction on inputs in [0, 1)
// as DIR/mK/expected.npy, in each_model.js's layout.
//
// usage: tfjs_functional.js DIR
'use strict';
const fs = require('fs');
const path = require('path');
const {tf, rng, writeNpy, artifactsOf, writeModelDir, fanInUniform} = require('./tfjs.js');

const L = tf.layers;
const conv = (filters, kernelSize, extra = {}) =>
    L.conv2d({filters, kernelSize, padding: 'same', ...extra});

// [description, input shape, (input) => output] per model.
const MODELS = [
  ['residual block: Conv2D, Conv2D, Add with the block input, ReLU', [6, 6, 3], (x) => {
    const a = conv(3, 3, {activation: 'relu'}).apply(x);
    const b = conv(3, 3).apply(a);
    const s = L.add().apply([b, x]);
    const r = L.activation({activation: 'relu'}).apply(s);
    return L.dense({units: 4}).apply(L.globalAveragePooling2d({}).apply(r));
  }],
  ['residual block with a 1x1 projection shortcut and pooling', [8, 8, 2], (x) => {
    const stem = conv(4, 3, {activation: 'relu'}).apply(x);
    const p = L.maxPooling2d({poolSize: 2}).apply(stem);
    const a = conv(6, 3, {activation: 'relu'}).apply(p);
    const b = conv(6, 3).apply(a);
    const shortcut = conv(6, 1).apply(p);
    const s = L.reLU().apply(L.add().apply([shortcut, b]));
    return L.dense({units: 3, activation: 'softmax'}).apply(L.flatten().apply(s));
  }],
  ['inception block: Concatenate of 1x1, 3x3 and pooled branches', [7, 7, 3], (x) => {
    const a = conv(2, 1, {activation: 'relu'}).apply(x);
    const b = conv(3, 3, {activation: 'relu'}).apply(x);
    const c = L.maxPooling2d({poolSize: 3, strides: 1, padding: 'same'}).apply(x);
    const cat = L.concatenate().apply([a, b, c]);
    return conv(2, 1).apply(cat);
  }],
  ['Add of three branches', [5, 5, 2], (x) => L.add().apply([conv(3, 1).apply(x), conv(3, 3).apply(x), conv(3, 2).apply(x)])],
  ['Multiply of three branches', [5, 5, 2], (x) => L.multiply().apply([conv(3, 1).apply(x), conv(3, 3).apply(x), conv(3, 2).apply(x)])],
  ['Average of three branches', [5, 5, 2], (x) => L.average().apply([conv(3, 1).apply(x), conv(3, 3).apply(x), conv(3, 2).apply(x)])],
  ['Maximum of three branches', [5, 5, 2], (x) => L.maximum().apply([conv(3, 1).apply(x), conv(3, 3).apply(x), conv(3, 2).apply(x)])],
  ['Minimum of three branches', [5, 5, 2], (x) => L.minimum().apply([conv(3, 1).apply(x), conv(3, 3).apply(x), conv(3, 2).apply(x)])],
  ['squeeze-and-excitation: Multiply broadcasting (1, 1, C)', [6, 6, 4], (x) => {
    const f = conv(4, 3, {activation: 'relu'}).apply(x);
    const squeeze = L.globalAveragePooling2d({}).apply(f);
    const e = L.dense({units: 4, activation: 'sigmoid'}).apply(L.dense({units: 2, activation: 'relu'}).apply(squeeze));
    return L.multiply().apply([f, L.reshape({targetShape: [1, 1, 4]}).apply(e)]);
  }],
  ['Concatenate along rows (axis 1), then one tensor twice along columns', [4, 5, 2], (x) => {
    const rows = L.concatenate({axis: 1}).apply([x, conv(2, 2).apply(x)]);
    const cols = L.concatenate({axis: 2}).apply([rows, rows]);
    return L.flatten().apply(cols);
  }],
  ['a value used by three layers, merged late', [5, 5, 1], (x) => {
    const f = conv(2, 3, {activation: 'tanh'}).apply(x);
    const g = L.globalMaxPooling2d({}).apply(f);
    const h = L.globalAveragePooling2d({}).apply(f);
    const d = L.dense({units: 2}).apply(L.flatten().apply(f));
    return L.concatenate().apply([g, h, d]);
  }],
];

async function main() {
  const [outDir] = process.argv.slice(2);
  const r = rng(1901);
  const batch = 2;
  for (const [k, [text, input, make]] of MODELS.entries()) {
    const x0 = tf.input({shape: input});
    const model = tf.model({inputs: x0, outputs: make(x0)});
    for (const layer of model.layers) {
      const values = layer.getWeights().map((w) => {
        return fanInUniform(r, w);
      });
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
