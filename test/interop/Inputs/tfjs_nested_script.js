// Builds in TF.js the two models of nested_script.py (its script model and
// --entry stacked), each layer named as tf.keras names it in the script,
// with random weights and batch-norm statistics, and writes DIR/main and
// DIR/stacked: model.json (whose weights cnnc binds to the script's model
// by name), x.npy (inputs in [0, 1)) and expected.npy (TF.js's prediction).
// TF.js names a nested model's weights "<layer>/<variable>", without the
// model's name.
//
// usage: tfjs_nested_script.js DIR
'use strict';
const fs = require('fs');
const path = require('path');
const {tf, rng, writeNpy, artifactsOf, writeModelDir, randomizeWeights} = require('./tfjs.js');

const L = tf.layers;

const MODELS = {
  main: [[6, 6, 2], () => {
    const block = tf.sequential({name: 'block', layers: [
      L.conv2d({inputShape: [6, 6, 4], filters: 4, kernelSize: 3, padding: 'same',
                activation: 'relu', name: 'conv2d'}),
      L.batchNormalization({name: 'batch_normalization'})]});
    const headInput = tf.input({shape: [6, 6, 4]});
    const pooled = L.globalAveragePooling2d({name: 'global_average_pooling2d'}).apply(headInput);
    const head = tf.model({name: 'head', inputs: headInput,
                           outputs: L.dense({units: 3, activation: 'softmax', name: 'dense'}).apply(pooled)});
    const inputs = tf.input({shape: [6, 6, 2]});
    const x = L.conv2d({filters: 4, kernelSize: 1, name: 'conv2d_1'}).apply(inputs);
    const sum = L.add({name: 'add'}).apply([x, block.apply(x)]);
    return tf.model({inputs, outputs: head.apply(sum)});
  }],
  stacked: [[6, 6, 2], () => {
    const stemInput = tf.input({shape: [6, 6, 2]});
    const features = L.conv2d({filters: 3, kernelSize: 3, activation: 'relu', name: 'conv2d_2'}).apply(stemInput);
    const stem = tf.model({name: 'stem', inputs: stemInput,
                           outputs: L.maxPooling2d({poolSize: 2, name: 'max_pooling2d'}).apply(features)});
    const outer = tf.sequential({name: 'stacked'});
    outer.add(stem);
    outer.add(L.flatten({name: 'flatten'}));
    outer.add(L.dense({units: 2, name: 'dense_1'}));
    return outer;
  }],
};

async function main() {
  const [outDir] = process.argv.slice(2);
  const r = rng(1919);
  const batch = 3;
  for (const [name, [input, make]] of Object.entries(MODELS)) {
    const model = make();
    randomizeWeights(model, r);
    const x = tf.tensor(r.floats(batch * input.reduce((a, b) => a * b, 1), 0, 1), [batch, ...input]);
    const y = model.predict(x);
    const dir = path.join(outDir, name);
    writeModelDir(dir, await artifactsOf(model));
    writeNpy(path.join(dir, 'x.npy'), x.shape, x.dataSync());
    writeNpy(path.join(dir, 'expected.npy'), y.shape, y.dataSync());
    const names = (await artifactsOf(model)).weightSpecs.map((w) => w.name);
    console.log(`${name}: ${names.join(' ')}`);
  }
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
