// Writes one TF.js model per way a model nests another: a Sequential
// applied to a tensor of a Functional model, a Functional inside a
// Functional, a Functional added to a Sequential (with BatchNormalization,
// whose moving statistics TF.js lists after the trainable weights), and two
// levels deep. TF.js refuses weights of one name twice when it loads a
// model, so names stay distinct here (test/Frontends/keras-json and
// keras-h5-nested.test repeat names). Random weights and batch-norm statistics; TF.js's
// prediction on inputs in [0, 1) as DIR/mK/expected.npy, in each_model.js's
// layout.
//
// usage: tfjs_nested.js DIR
'use strict';
const fs = require('fs');
const path = require('path');
const {tf, rng, writeNpy, artifactsOf, writeModelDir, randomizeWeights} = require('./tfjs.js');

const L = tf.layers;

// [description, input shape, () => model] per model.
const MODELS = [
  ['a Sequential (Conv2D, MaxPooling2D) applied in a Functional model', [6, 6, 2], () => {
    const base = tf.sequential({name: 'base', layers: [
      L.conv2d({inputShape: [6, 6, 2], filters: 3, kernelSize: 3, activation: 'relu'}),
      L.maxPooling2d({poolSize: 2})]});
    const x = tf.input({shape: [6, 6, 2]});
    const y = L.dense({units: 2}).apply(L.flatten().apply(base.apply(x)));
    return tf.model({inputs: x, outputs: y});
  }],
  ['a Functional residual block inside a Functional model', [5, 5, 3], () => {
    const bi = tf.input({shape: [5, 5, 3]});
    const c = L.conv2d({filters: 3, kernelSize: 3, padding: 'same', name: 'inner_conv'}).apply(bi);
    const block = tf.model({name: 'block', inputs: bi, outputs: L.add().apply([bi, c])});
    const x = tf.input({shape: [5, 5, 3]});
    const a = L.conv2d({filters: 3, kernelSize: 1, name: 'conv'}).apply(x);
    return tf.model({inputs: x, outputs: L.globalAveragePooling2d({}).apply(block.apply(a))});
  }],
  ['a Functional with BatchNormalization added to a Sequential model', [4, 4, 2], () => {
    const bi = tf.input({shape: [4, 4, 2]});
    const c = L.conv2d({filters: 4, kernelSize: 3, padding: 'same'}).apply(bi);
    const n = L.batchNormalization().apply(c);
    const d = L.depthwiseConv2d({kernelSize: 3, padding: 'same'}).apply(L.reLU().apply(n));
    const m = L.batchNormalization().apply(d);
    const inner = tf.model({name: 'features', inputs: bi, outputs: m});
    const model = tf.sequential({name: 'outer'});
    model.add(inner);
    model.add(L.flatten());
    model.add(L.dense({units: 3, activation: 'softmax'}));
    return model;
  }],
  ['two levels deep: a Sequential holding a Functional', [6], () => {
    const ii = tf.input({shape: [6]});
    const i1 = L.dense({units: 5, activation: 'tanh', name: 'deepest'}).apply(ii);
    const innermost = tf.model({name: 'innermost', inputs: ii, outputs: L.concatenate().apply([ii, i1])});
    const middle = tf.sequential({name: 'middle', layers: [
      L.dense({inputShape: [6], units: 6, name: 'first'}), innermost,
      L.dense({units: 4, name: 'last'})]});
    const x = tf.input({shape: [6]});
    const y = L.dense({units: 2, name: 'dense'}).apply(middle.apply(x));
    return tf.model({inputs: x, outputs: y});
  }],
];

async function main() {
  const [outDir] = process.argv.slice(2);
  const r = rng(1902);
  const batch = 3;
  for (const [k, [text, input, make]] of MODELS.entries()) {
    const model = make();
    randomizeWeights(model, r);
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
