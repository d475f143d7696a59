// Writes one TF.js model per use of issue 18's later layers:
// LayerNormalization (over the channels after a convolution, over every
// axis after the batch, after a Dense layer without beta, first and
// without gamma), Permute (rows and columns swapped before a convolution,
// channels first before Flatten, the two axes of a sequence before
// Dense), ThresholdedReLU (theta 1 by default after a convolution, 0.3
// after Dense, 0), AlphaDropout (the identity in prediction), each inside
// a small model with random weights (gamma
// and beta too), with TF.js's prediction on inputs in [-1, 1) as
// DIR/mK/expected.npy, in each_model.js's layout, and model.py, the same
// model in Keras's Python with TF.js's layer names.
//
// usage: tfjs_more_layers.js DIR
'use strict';
const fs = require('fs');
const path = require('path');
const {tf, rng, writeNpy, artifactsOf, writeModelDir, fanInUniform} = require('./tfjs.js');

const L = tf.layers;
// [description, input shape, layers] per model.
const MODELS = [
  ['LayerNormalization after Conv2D', [6, 6, 2], (input) => [
    L.conv2d({filters: 3, kernelSize: 2, inputShape: input}),
    L.layerNormalization({}),
    L.flatten(), L.dense({units: 3})]],
  ['LayerNormalization axis [1,2,3] epsilon 1e-5 after Conv2D', [5, 4, 2], (input) => [
    L.conv2d({filters: 3, kernelSize: 2, activation: 'relu', inputShape: input}),
    L.layerNormalization({axis: [1, 2, 3], epsilon: 1e-5})]],
  ['LayerNormalization center false after Dense', [7], (input) => [
    L.dense({units: 6, inputShape: input}),
    L.layerNormalization({center: false}),
    L.dense({units: 2})]],
  ['LayerNormalization scale false first, axis [2,3]', [4, 5, 3], (input) => [
    L.layerNormalization({scale: false, axis: [2, 3], inputShape: input}),
    L.conv2d({filters: 2, kernelSize: 3})]],
  ['Permute [2,1,3] between Conv2Ds', [6, 4, 2], (input) => [
    L.conv2d({filters: 3, kernelSize: [3, 2], inputShape: input}),
    L.permute({dims: [2, 1, 3]}),
    L.conv2d({filters: 2, kernelSize: 2})]],
  ['Permute [3,1,2] then Flatten and Dense', [3, 5, 4], (input) => [
    L.permute({dims: [3, 1, 2], inputShape: input}),
    L.flatten(), L.dense({units: 4})]],
  ['Permute [2,1] of a sequence then Dense', [5, 7], (input) => [
    L.permute({dims: [2, 1], inputShape: input}),
    L.dense({units: 3})]],
  ['ThresholdedReLU default after Conv2D', [5, 5, 2], (input) => [
    L.conv2d({filters: 3, kernelSize: 2, inputShape: input}),
    L.thresholdedReLU({}),
    L.flatten(), L.dense({units: 2})]],
  ['ThresholdedReLU theta 0.3 after Dense', [6], (input) => [
    L.dense({units: 8, inputShape: input}),
    L.thresholdedReLU({theta: 0.3})]],
  ['ThresholdedReLU theta 0 first', [4, 3], (input) => [
    L.thresholdedReLU({theta: 0, inputShape: input})]],
  ['AlphaDropout 0.2 after Dense selu', [6], (input) => [
    L.dense({units: 8, activation: 'selu', inputShape: input}),
    L.alphaDropout({rate: 0.2}),
    L.dense({units: 3})]],
];

// The Keras Python call for a TF.js layer, from its config.
function pythonLayer(layer, first, input) {
  const c = layer.getConfig();
  const args = [`name='${c.name}'`];
  if (first) args.push(`input_shape=(${input.join(', ')},)`);
  const tuple = (v) => Array.isArray(v) ? `(${v.map(tuple).join(', ')},)` : `${v}`;
  const bool = (v) => v ? 'True' : 'False';
  switch (layer.getClassName()) {
    case 'Conv2D':
      return `layers.Conv2D(${c.filters}, ${tuple(c.kernelSize)}, activation='${c.activation}', ${args.join(', ')})`;
    case 'Dense':
      return `layers.Dense(${c.units}, activation='${c.activation}', ${args.join(', ')})`;
    case 'Flatten':
      return `layers.Flatten(${args.join(', ')})`;
    case 'ThresholdedReLU':
      return `layers.ThresholdedReLU(theta=${c.theta}, ${args.join(', ')})`;
    case 'AlphaDropout':
      return `layers.AlphaDropout(${c.rate}, ${args.join(', ')})`;
    case 'Permute':
      return `layers.Permute(${tuple(c.dims)}, ${args.join(', ')})`;
    case 'LayerNormalization':
      return `layers.LayerNormalization(axis=[${[].concat(c.axis).join(', ')}], epsilon=${c.epsilon}, ` +
             `center=${bool(c.center)}, scale=${bool(c.scale)}, ${args.join(', ')})`;
  }
  throw new Error(`no Python for ${layer.getClassName()}`);
}

async function main() {
  const [outDir] = process.argv.slice(2);
  const r = rng(1818);
  const batch = 3;
  for (const [k, [text, input, make]] of MODELS.entries()) {
    const model = tf.sequential();
    for (const layer of make(input)) model.add(layer);
    for (const layer of model.layers) {
      const values = layer.getWeights().map((w) => fanInUniform(r, w));
      if (values.length) layer.setWeights(values);
    }
    const x = tf.tensor(r.floats(batch * input.reduce((a, b) => a * b, 1), -1, 1), [batch, ...input]);
    const y = model.predict(x);
    const dir = path.join(outDir, `m${k}`);
    writeModelDir(dir, await artifactsOf(model));
    writeNpy(path.join(dir, 'x.npy'), x.shape, x.dataSync());
    writeNpy(path.join(dir, 'expected.npy'), y.shape, y.dataSync());
    fs.writeFileSync(path.join(dir, 'layers.txt'), text + '\n');
    const lines = model.layers.map((layer, i) => `    ${pythonLayer(layer, i === 0, input)},`);
    fs.writeFileSync(path.join(dir, 'model.py'),
                     ['from tensorflow import keras', 'from tensorflow.keras import layers', '',
                      'model = keras.Sequential([', ...lines, '])', ''].join('\n'));
  }
  console.log(`${MODELS.length} models`);
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
