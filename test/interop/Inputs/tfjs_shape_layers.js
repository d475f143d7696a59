// Writes one TF.js model per use of issue 18's shape layers: ZeroPadding2D,
// Cropping2D (each with one amount, symmetric pairs and four amounts),
// Reshape (a (28, 28) input to (28, 28, 1); with a -1) and Rescaling
// (scale and offset), and GaussianNoise and GaussianDropout (identities in
// prediction), each inside a small convolutional model with random
// weights; TF.js's prediction on inputs in [0, 1) ([0, 255) for Rescaling)
// as DIR/mK/expected.npy,
// in each_model.js's layout, and model.py, the same model in Keras's
// Python with TF.js's layer names.
//
// usage: tfjs_shape_layers.js DIR
'use strict';
const fs = require('fs');
const path = require('path');
const {tf, rng, writeNpy, artifactsOf, writeModelDir, fanInUniform} = require('./tfjs.js');

// [description, input shape, layers] per model.
const MODELS = [
  ['ZeroPadding2D 1 then Conv2D', [6, 5, 2], () => [
    tf.layers.zeroPadding2d({padding: 1, inputShape: [6, 5, 2]}),
    tf.layers.conv2d({filters: 2, kernelSize: 3})]],
  ['ZeroPadding2D [[1,2],[3,0]] after Conv2D', [6, 5, 2], () => [
    tf.layers.conv2d({filters: 3, kernelSize: 2, inputShape: [6, 5, 2]}),
    tf.layers.zeroPadding2d({padding: [[1, 2], [3, 0]]}),
    tf.layers.maxPooling2d({poolSize: 2})]],
  ['ZeroPadding2D [2,1]', [4, 4, 1], () => [
    tf.layers.zeroPadding2d({padding: [2, 1], inputShape: [4, 4, 1]})]],
  ['Cropping2D 1 after Conv2D', [7, 6, 2], () => [
    tf.layers.conv2d({filters: 3, kernelSize: 2, inputShape: [7, 6, 2]}),
    tf.layers.cropping2D({cropping: 1}),
    tf.layers.flatten(), tf.layers.dense({units: 3})]],
  ['Cropping2D [[0,2],[1,1]]', [7, 6, 2], () => [
    tf.layers.cropping2D({cropping: [[0, 2], [1, 1]], inputShape: [7, 6, 2]})]],
  ['Cropping2D [2,1] then Conv2D', [7, 6, 2], () => [
    tf.layers.cropping2D({cropping: [2, 1], inputShape: [7, 6, 2]}),
    tf.layers.conv2d({filters: 2, kernelSize: 2})]],
  ['Reshape (28,28) to (28,28,1)', [28, 28], () => [
    tf.layers.reshape({targetShape: [28, 28, 1], inputShape: [28, 28]}),
    tf.layers.conv2d({filters: 2, kernelSize: 3}),
    tf.layers.maxPooling2d({poolSize: 2})]],
  ['Reshape with -1 after Conv2D', [6, 6, 2], () => [
    tf.layers.conv2d({filters: 4, kernelSize: 3, inputShape: [6, 6, 2]}),
    tf.layers.reshape({targetShape: [-1, 8]}),
    tf.layers.dense({units: 3})]],
  ['Rescaling 1/255', [5, 5, 1], () => [
    tf.layers.rescaling({scale: 1 / 255, inputShape: [5, 5, 1]}),
    tf.layers.conv2d({filters: 2, kernelSize: 2})]],
  ['Rescaling 1/127.5 offset -1', [5, 5, 1], () => [
    tf.layers.rescaling({scale: 1 / 127.5, offset: -1, inputShape: [5, 5, 1]})]],
  ['GaussianNoise 0.3 after Conv2D', [5, 5, 1], () => [
    tf.layers.conv2d({filters: 2, kernelSize: 2, inputShape: [5, 5, 1]}),
    tf.layers.gaussianNoise({stddev: 0.3}),
    tf.layers.flatten(), tf.layers.dense({units: 2})]],
  ['GaussianDropout 0.2 after Conv2D', [5, 5, 1], () => [
    tf.layers.conv2d({filters: 2, kernelSize: 2, inputShape: [5, 5, 1]}),
    tf.layers.gaussianDropout({rate: 0.2}),
    tf.layers.flatten(), tf.layers.dense({units: 2})]],
];

// The Keras Python call for a TF.js layer, from its config.
function pythonLayer(layer, first, input) {
  const c = layer.getConfig();
  const args = [`name='${c.name}'`];
  if (first) args.push(`input_shape=(${input.join(', ')},)`);
  // TF.js keeps Reshape's -1 as null; Keras's Python spells it -1.
  const tuple = (v) => Array.isArray(v) ? `(${v.map(tuple).join(', ')},)` : v === null ? '-1' : `${v}`;
  switch (layer.getClassName()) {
    case 'Conv2D':
      return `layers.Conv2D(${c.filters}, ${tuple(c.kernelSize)}, ${args.join(', ')})`;
    case 'Dense':
      return `layers.Dense(${c.units}, ${args.join(', ')})`;
    case 'Flatten':
      return `layers.Flatten(${args.join(', ')})`;
    case 'MaxPooling2D':
      return `layers.MaxPooling2D(${tuple(c.poolSize)}, ${args.join(', ')})`;
    case 'ZeroPadding2D':
      return `layers.ZeroPadding2D(${tuple(c.padding)}, ${args.join(', ')})`;
    case 'Cropping2D':
      return `layers.Cropping2D(${tuple(c.cropping)}, ${args.join(', ')})`;
    case 'Reshape':
      return `layers.Reshape(${tuple(c.targetShape)}, ${args.join(', ')})`;
    case 'Rescaling':
      return `layers.Rescaling(${c.scale}, offset=${c.offset}, ${args.join(', ')})`;
    case 'GaussianNoise':
      return `layers.GaussianNoise(${c.stddev}, ${args.join(', ')})`;
    case 'GaussianDropout':
      return `layers.GaussianDropout(${c.rate}, ${args.join(', ')})`;
  }
  throw new Error(`no Python for ${layer.getClassName()}`);
}

async function main() {
  const [outDir] = process.argv.slice(2);
  const r = rng(1802);
  const batch = 2;
  for (const [k, [text, input, make]] of MODELS.entries()) {
    const model = tf.sequential();
    for (const layer of make()) model.add(layer);
    for (const layer of model.layers) {
      const values = layer.getWeights().map((w) => {
        return fanInUniform(r, w);
      });
      if (values.length) layer.setWeights(values);
    }
    // Pixel values for Rescaling to scale; else [0, 1), so that the outputs
    // stay O(1) and 1e-5 is float32 rounding's scale.
    const top = text.startsWith('Rescaling') ? 255 : 1;
    const x = tf.tensor(r.floats(batch * input.reduce((a, b) => a * b, 1), 0, top), [batch, ...input]);
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
