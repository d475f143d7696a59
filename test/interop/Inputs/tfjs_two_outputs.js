// Writes a TF.js Functional model with two outputs (a softmax head on
// global pooling named 'gender' and a linear head on the flattened
// features named 'age', Keras's names for such heads) with random weights,
// and TF.js's predictions on inputs in [0, 1): DIR/model.json, DIR/x.npy,
// DIR/expected_gender.npy, DIR/expected_age.npy.
//
// usage: tfjs_two_outputs.js DIR
'use strict';
const path = require('path');
const {tf, rng, writeNpy, artifactsOf, writeModelDir} = require('./tfjs.js');

async function main() {
  const [dir] = process.argv.slice(2);
  const r = rng(1903);
  const L = tf.layers;
  const input = tf.input({shape: [6, 6, 2]});
  const features = L.conv2d({filters: 3, kernelSize: 3, activation: 'relu'}).apply(input);
  const gender = L.dense({units: 2, activation: 'softmax', name: 'gender'}).apply(
      L.globalAveragePooling2d({}).apply(features));
  const age = L.dense({units: 1, name: 'age'}).apply(L.flatten().apply(features));
  const model = tf.model({inputs: input, outputs: [gender, age]});
  for (const layer of model.layers) {
    const values = layer.getWeights().map((w) => tf.tensor(r.floats(w.size, -1, 1), w.shape));
    if (values.length) layer.setWeights(values);
  }
  const x = tf.tensor(r.floats(3 * 72, 0, 1), [3, 6, 6, 2]);
  const [yGender, yAge] = model.predict(x);
  writeModelDir(dir, await artifactsOf(model));
  writeNpy(path.join(dir, 'x.npy'), x.shape, x.dataSync());
  writeNpy(path.join(dir, 'expected_gender.npy'), yGender.shape, yGender.dataSync());
  writeNpy(path.join(dir, 'expected_age.npy'), yAge.shape, yAge.dataSync());
  console.log('two outputs: gender, age');
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
