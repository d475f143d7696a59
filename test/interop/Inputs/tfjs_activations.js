// Writes one TF.js model per activation cnnc reads beyond relu, sigmoid and
// tanh (issue 18): each `activation=` string TF.js 4.22 has, on a Conv2D, a
// Dense and as an Activation layer, and the layers LeakyReLU, ELU and
// ReLU(maxValue), and PReLU (its slopes per element, shared over rows and
// columns, shared over one axis), with random weights, saved as model.json + weights, with
// TF.js's prediction on inputs in [-4, 4) (both sides of every kink) as
// DIR/mK/expected.npy, in each_model.js's layout. (TF.js's ELU refuses an
// alpha other than 1, and TF.js has no 'exponential': unit tests check
// those against test/reference/.) Each model also gets
// xnan.npy, the same input with a NaN in each sample, and TF.js's
// prediction of it, expected-nan.npy (NaN where the NaN reaches), and
// model.py, the same model in Keras's Python with TF.js's layer names (so
// that the weights bind by name), unless it uses TF.js's own 'gelu_new'.
//
// usage: tfjs_activations.js DIR
'use strict';
const fs = require('fs');
const path = require('path');
const {tf, rng, writeNpy, artifactsOf, writeModelDir, fanInUniform} = require('./tfjs.js');

const ACTIVATIONS = ['elu', 'selu', 'softplus', 'softsign', 'swish', 'gelu',
                     'gelu_new', 'hardSigmoid', 'relu6', 'mish'];

// [description, layers after the input] per model.
function models() {
  const list = [];
  for (const activation of ACTIVATIONS) {
    list.push([`Conv2D+Dense activation=${activation}`, (input) => [
      tf.layers.conv2d({filters: 3, kernelSize: 3, activation, inputShape: input}),
      tf.layers.flatten(),
      tf.layers.dense({units: 4, activation})]]);
    list.push([`Activation ${activation}`, (input) => [
      tf.layers.activation({activation, inputShape: input})]]);
  }
  list.push(['LeakyReLU default', (input) => [tf.layers.leakyReLU({inputShape: input})]]);
  list.push(['LeakyReLU alpha=0.05 after Conv2D', (input) => [
    tf.layers.conv2d({filters: 2, kernelSize: 2, inputShape: input}),
    tf.layers.leakyReLU({alpha: 0.05})]]);
  list.push(['ELU default', (input) => [tf.layers.elu({inputShape: input})]]);
  list.push(['ReLU maxValue=1.5', (input) => [tf.layers.reLU({maxValue: 1.5, inputShape: input})]]);
  list.push(['PReLU', (input) => [tf.layers.prelu({inputShape: input})]]);
  list.push(['PReLU sharedAxes=[1,2] after Conv2D', (input) => [
    tf.layers.conv2d({filters: 3, kernelSize: 2, inputShape: input}),
    tf.layers.prelu({sharedAxes: [1, 2]})]]);
  list.push(['PReLU sharedAxes=1 after Dense', (input) => [
    tf.layers.dense({units: 4, inputShape: input}),
    tf.layers.prelu({sharedAxes: 1})]]);
  return list;
}

// The Keras Python call for a TF.js layer, from its config.
function pythonLayer(layer, first, input) {
  const c = layer.getConfig();
  const args = [`name='${c.name}'`];
  if (first) args.push(`input_shape=(${input.join(', ')})`);
  const activationArg = () => {
    // TF.js's config holds its class names (hardSigmoid); Keras's are snake case.
    return `activation='${c.activation.replace(/[A-Z]/g, ch => '_' + ch.toLowerCase())}'`;
  };
  switch (layer.getClassName()) {
    case 'Conv2D':
      return `layers.Conv2D(${c.filters}, (${c.kernelSize.join(', ')}), ${activationArg()}, ${args.join(', ')})`;
    case 'Dense':
      return `layers.Dense(${c.units}, ${activationArg()}, ${args.join(', ')})`;
    case 'Flatten':
      return `layers.Flatten(${args.join(', ')})`;
    case 'Activation':
      return `layers.Activation(${activationArg().slice('activation='.length)}, ${args.join(', ')})`;
    case 'LeakyReLU':
      return `layers.LeakyReLU(alpha=${c.alpha}, ${args.join(', ')})`;
    case 'ELU':
      return `layers.ELU(alpha=${c.alpha}, ${args.join(', ')})`;
    case 'ReLU':
      return `layers.ReLU(max_value=${c.maxValue}, ${args.join(', ')})`;
    case 'PReLU': {
      const axes = c.sharedAxes == null ? 'None' : `[${[].concat(c.sharedAxes).join(', ')}]`;
      return `layers.PReLU(shared_axes=${axes}, ${args.join(', ')})`;
    }
  }
  throw new Error(`no Python for ${layer.getClassName()}`);
}

function pythonModel(model, input) {
  const lines = model.layers.map((layer, i) => `    ${pythonLayer(layer, i === 0, input)},`);
  return ['from tensorflow import keras', 'from tensorflow.keras import layers', '',
          'model = keras.Sequential([', ...lines, '])', ''].join('\n');
}

async function main() {
  const [outDir] = process.argv.slice(2);
  const r = rng(18);
  const input = [5, 5, 2];
  const batch = 3;
  const perSample = input.reduce((a, b) => a * b, 1);
  const list = models();
  for (const [k, [text, make]] of list.entries()) {
    const model = tf.sequential();
    for (const layer of make(input)) model.add(layer);
    for (const layer of model.layers) {
      const values = layer.getWeights().map((w) => {
        return fanInUniform(r, w, 2);
      });
      if (values.length) layer.setWeights(values);
    }
    const data = r.floats(batch * perSample, -4, 4);
    const x = tf.tensor(data, [batch, ...input]);
    const withNaN = Float32Array.from(data);
    for (let n = 0; n < batch; ++n) withNaN[n * perSample + 7 * (n + 1)] = NaN;
    const xnan = tf.tensor(withNaN, [batch, ...input]);
    const dir = path.join(outDir, `m${k}`);
    writeModelDir(dir, await artifactsOf(model));
    const y = model.predict(x), ynan = model.predict(xnan);
    writeNpy(path.join(dir, 'x.npy'), x.shape, x.dataSync());
    writeNpy(path.join(dir, 'expected.npy'), y.shape, y.dataSync());
    writeNpy(path.join(dir, 'xnan.npy'), xnan.shape, xnan.dataSync());
    writeNpy(path.join(dir, 'expected-nan.npy'), ynan.shape, ynan.dataSync());
    fs.writeFileSync(path.join(dir, 'layers.txt'), text + '\n');
    if (!text.includes('gelu_new'))
      fs.writeFileSync(path.join(dir, 'model.py'), pythonModel(model, input));
  }
  console.log(`${list.length} models`);
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
