// Writes one TF.js model per use of issue 18's convolution variants:
// DepthwiseConv2D (depth_multiplier 1 and 3, strides, 'same' and 'valid',
// with and without a bias, an activation), SeparableConv2D (a multiplier,
// strides, no bias), Conv2DTranspose (valid and same, strides above and
// below the kernel size, non-square) and UpSampling2D 'nearest', each in a
// small model with random weights; TF.js's prediction on inputs in [0, 1)
// as DIR/mK/expected.npy in each_model.js's layout, and model.py, the same
// model in Keras's Python with TF.js's layer names. (UpSampling2D
// 'bilinear' is not here: TF.js does not use Keras's half-pixel centres;
// see unit/ConvVariantTest.cpp. Nor is a dilated DepthwiseConv2D: TF.js
// 4.22 ignores its dilationRate.)
//
// usage: tfjs_conv_variants.js DIR
'use strict';
const fs = require('fs');
const path = require('path');
const {tf, rng, writeNpy, artifactsOf, writeModelDir, fanInUniform} = require('./tfjs.js');

// [description, input shape, layers] per model.
const MODELS = [
  ['DepthwiseConv2D 3x3 same', [6, 5, 4], () => [
    tf.layers.depthwiseConv2d({kernelSize: 3, padding: 'same', inputShape: [6, 5, 4]})]],
  ['DepthwiseConv2D multiplier 3, strides 2, relu, then Dense', [7, 7, 2], () => [
    tf.layers.depthwiseConv2d({kernelSize: [3, 2], depthMultiplier: 3, strides: 2,
                               activation: 'relu', inputShape: [7, 7, 2]}),
    tf.layers.flatten(), tf.layers.dense({units: 3})]],
  ['Conv2D then DepthwiseConv2D no bias, same, strides 2', [8, 8, 1], () => [
    tf.layers.conv2d({filters: 16, kernelSize: 3, inputShape: [8, 8, 1]}),
    tf.layers.depthwiseConv2d({kernelSize: 3, padding: 'same', strides: 2, useBias: false}),
    tf.layers.maxPooling2d({poolSize: 2})]],
  ['SeparableConv2D 3x3 same', [6, 6, 3], () => [
    tf.layers.separableConv2d({filters: 5, kernelSize: 3, padding: 'same', inputShape: [6, 6, 3]})]],
  ['SeparableConv2D multiplier 2, strides 2, no bias, relu', [9, 8, 2], () => [
    tf.layers.separableConv2d({filters: 4, kernelSize: [2, 3], depthMultiplier: 2, strides: 2,
                               useBias: false, activation: 'relu', inputShape: [9, 8, 2]}),
    tf.layers.flatten(), tf.layers.dense({units: 2})]],
  ['Conv2DTranspose 3x3 valid', [4, 5, 2], () => [
    tf.layers.conv2dTranspose({filters: 3, kernelSize: 3, inputShape: [4, 5, 2]})]],
  ['Conv2DTranspose 3x3 same strides 2', [4, 4, 3], () => [
    tf.layers.conv2dTranspose({filters: 2, kernelSize: 3, strides: 2, padding: 'same',
                               inputShape: [4, 4, 3]})]],
  ['Conv2DTranspose 2x3 valid strides (3, 2), kernel below stride', [3, 4, 2], () => [
    tf.layers.conv2dTranspose({filters: 2, kernelSize: [2, 3], strides: [3, 2], inputShape: [3, 4, 2]})]],
  ['Conv2DTranspose 4x4 same strides 2, sigmoid, after Dense+Reshape', [5], () => [
    tf.layers.dense({units: 3 * 3 * 4, inputShape: [5]}),
    tf.layers.reshape({targetShape: [3, 3, 4]}),
    tf.layers.conv2dTranspose({filters: 1, kernelSize: 4, strides: 2, padding: 'same',
                               activation: 'sigmoid'})]],
  ['UpSampling2D (2, 2)', [3, 4, 2], () => [
    tf.layers.upSampling2d({size: [2, 2], inputShape: [3, 4, 2]})]],
  ['Conv2D, UpSampling2D (3, 2), Conv2D', [5, 4, 1], () => [
    tf.layers.conv2d({filters: 3, kernelSize: 2, inputShape: [5, 4, 1]}),
    tf.layers.upSampling2d({size: [3, 2]}),
    tf.layers.conv2d({filters: 2, kernelSize: 3})]],
];

// The Keras Python call for a TF.js layer, from its config.
function pythonLayer(layer, first, input) {
  const c = layer.getConfig();
  const args = [`name='${c.name}'`];
  if (first) args.push(`input_shape=(${input.join(', ')},)`);
  const tuple = (v) => Array.isArray(v) ? `(${v.map(tuple).join(', ')},)` : v === null ? '-1' : `${v}`;
  const conv = () => {
    args.push(`strides=${tuple(c.strides)}`, `padding='${c.padding}'`,
              `use_bias=${c.useBias ? 'True' : 'False'}`, `activation='${c.activation}'`);
    if (layer.depthMultiplier !== undefined) args.push(`depth_multiplier=${layer.depthMultiplier}`);
  };
  switch (layer.getClassName()) {
    case 'Conv2D':
      return `layers.Conv2D(${c.filters}, ${tuple(c.kernelSize)}, ${args.join(', ')})`;
    case 'Dense':
      return `layers.Dense(${c.units}, ${args.join(', ')})`;
    case 'Flatten':
      return `layers.Flatten(${args.join(', ')})`;
    case 'Reshape':
      return `layers.Reshape(${tuple(c.targetShape)}, ${args.join(', ')})`;
    case 'MaxPooling2D':
      return `layers.MaxPooling2D(${tuple(c.poolSize)}, ${args.join(', ')})`;
    case 'DepthwiseConv2D':
      conv();
      return `layers.DepthwiseConv2D(${tuple(c.kernelSize)}, ${args.join(', ')})`;
    case 'SeparableConv2D':
      conv();
      return `layers.SeparableConv2D(${c.filters}, ${tuple(c.kernelSize)}, ${args.join(', ')})`;
    case 'Conv2DTranspose':
      conv();
      return `layers.Conv2DTranspose(${c.filters}, ${tuple(c.kernelSize)}, ${args.join(', ')})`;
    case 'UpSampling2D':
      return `layers.UpSampling2D(${tuple(c.size)}, ${args.join(', ')})`;
  }
  throw new Error(`no Python for ${layer.getClassName()}`);
}

async function main() {
  const [outDir] = process.argv.slice(2);
  const r = rng(1818);
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
    const x = tf.tensor(r.floats(batch * input.reduce((a, b) => a * b, 1), 0, 1), [batch, ...input]);
    const y = model.predict(x);
    const dir = path.join(outDir, `m${k}`);
    const artifacts = await artifactsOf(model);
    // TF.js 4.22's SeparableConv2D leaves depth_multiplier out of its config
    // (so TF.js cannot reload its own file when it is not 1); Keras writes
    // it, and so does this file.
    const topology = artifacts.modelTopology.model_config || artifacts.modelTopology;
    for (const [i, entry] of topology.config.layers.entries()) {
      const layer = model.layers[topology.config.layers.length - model.layers.length > 0 ? i - 1 : i];
      if (entry.class_name === 'SeparableConv2D' && layer)
        entry.config.depth_multiplier = layer.depthMultiplier;
    }
    writeModelDir(dir, artifacts);
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
