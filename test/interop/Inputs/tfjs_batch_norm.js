// Writes one TF.js model per use of BatchNormalization: after a convolution
// without bias (folded into it by cnnc), after a convolution with bias and
// a relu (not foldable: a separate op), before pooling, after a dense layer
// (folded), after Flatten, with center or scale false, with Keras 2's and
// other momentum / epsilon, and with trainable false. Every weight is
// random, the moving variance in [0.5, 2] and the moving mean in [-1, 1],
// so that both statistics matter. TF.js's prediction on inputs in [0, 1)
// is DIR/mK/expected.npy, in each_model.js's layout, and model.py is the
// same model in Keras's Python with TF.js's layer names.
//
// usage: tfjs_batch_norm.js DIR
'use strict';
const fs = require('fs');
const path = require('path');
const {tf, rng, writeNpy, artifactsOf, writeModelDir, fanInUniform} = require('./tfjs.js');

const bn = (config = {}) => tf.layers.batchNormalization(config);

// [description, input shape, layers] per model.
const MODELS = [
  ['Conv2D without bias, BN, relu, MaxPooling2D', [8, 8, 2], () => [
    tf.layers.conv2d({filters: 4, kernelSize: 3, useBias: false, inputShape: [8, 8, 2]}),
    bn(), tf.layers.activation({activation: 'relu'}),
    tf.layers.maxPooling2d({poolSize: 2})]],
  ['Conv2D relu, BN, Flatten, Dense, BN', [6, 6, 1], () => [
    tf.layers.conv2d({filters: 3, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 1]}),
    bn({momentum: 0.9, epsilon: 1e-5}),
    tf.layers.flatten(), tf.layers.dense({units: 5}), bn()]],
  ['BN first, center false', [5, 5, 3], () => [
    bn({center: false, inputShape: [5, 5, 3]}),
    tf.layers.conv2d({filters: 2, kernelSize: 2})]],
  ['Conv2D with bias, BN scale false, MaxPooling2D', [7, 7, 2], () => [
    tf.layers.conv2d({filters: 5, kernelSize: 2, inputShape: [7, 7, 2]}),
    bn({scale: false, epsilon: 0.01}), tf.layers.maxPooling2d({poolSize: 2})]],
  ['Dense, BN center and scale false, softmax', [4, 4, 1], () => [
    tf.layers.flatten({inputShape: [4, 4, 1]}), tf.layers.dense({units: 6}),
    bn({center: false, scale: false}), tf.layers.activation({activation: 'softmax'})]],
  ['frozen Conv2D and BN', [6, 6, 2], () => [
    tf.layers.conv2d({filters: 4, kernelSize: 3, useBias: false, inputShape: [6, 6, 2], trainable: false}),
    bn({trainable: false}), tf.layers.flatten(), tf.layers.dense({units: 3})]],
];

// The Keras Python call for a TF.js layer, from its config.
function pythonLayer(layer, first, input) {
  const c = layer.getConfig();
  const args = [`name='${c.name}'`];
  if (first) args.push(`input_shape=(${input.join(', ')},)`);
  if (c.trainable === false) args.push('trainable=False');
  const tuple = (v) => Array.isArray(v) ? `(${v.map(tuple).join(', ')},)` : `${v}`;
  const bool = (b) => b ? 'True' : 'False';
  switch (layer.getClassName()) {
    case 'Conv2D':
      return `layers.Conv2D(${c.filters}, ${tuple(c.kernelSize)}, activation='${c.activation}', use_bias=${bool(c.useBias)}, ${args.join(', ')})`;
    case 'Dense':
      return `layers.Dense(${c.units}, ${args.join(', ')})`;
    case 'Flatten':
      return `layers.Flatten(${args.join(', ')})`;
    case 'Activation':
      return `layers.Activation('${c.activation}', ${args.join(', ')})`;
    case 'MaxPooling2D':
      return `layers.MaxPooling2D(${tuple(c.poolSize)}, ${args.join(', ')})`;
    case 'BatchNormalization':
      return `layers.BatchNormalization(momentum=${c.momentum}, epsilon=${c.epsilon}, center=${bool(c.center)}, scale=${bool(c.scale)}, ${args.join(', ')})`;
  }
  throw new Error(`no Python for ${layer.getClassName()}`);
}

async function main() {
  const [outDir] = process.argv.slice(2);
  const r = rng(1807);
  const batch = 3;
  for (const [k, [text, input, make]] of MODELS.entries()) {
    const model = tf.sequential();
    for (const layer of make()) model.add(layer);
    for (const layer of model.layers) {
      const values = layer.weights.map((w) => {
        const name = w.originalName || w.name;
        if (name.endsWith('moving_variance'))
          return tf.tensor(r.floats(w.shape[0], 0.5, 2), w.shape);
        if (name.endsWith('moving_mean') || name.endsWith('gamma') || name.endsWith('beta'))
          return tf.tensor(r.floats(w.shape[0], -1, 1), w.shape);
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
    const lines = model.layers.map((layer, i) => `    ${pythonLayer(layer, i === 0, input)},`);
    fs.writeFileSync(path.join(dir, 'model.py'),
                     ['from tensorflow import keras', 'from tensorflow.keras import layers', '',
                      'model = keras.Sequential([', ...lines, '])', ''].join('\n'));
  }
  console.log(`${MODELS.length} models`);
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
