// The TF.js side of tfjs-train-activations.test: one epoch of TF.js's own
// model.fit, SGD (TF.js's SGD is Keras's rule), on an MNIST slice, for a
// model whose every trainable layer is followed by one of issue 18's
// activations: Conv2D elu, PReLU shared over rows and columns (its alpha
// trained), MaxPooling2D, Dense gelu, LeakyReLU, Dense softmax.
//
// usage: tfjs_fit_activations.js DATA_DIR OUT_DIR
//   Writes OUT_DIR/model.json (compiled, with its initial weights and
//   trainingConfig), OUT_DIR/x_test.npy, OUT_DIR/expected.npy (the test
//   images' predictions after the epoch) and OUT_DIR/reference.json (the
//   epoch loss, with tfjs_train.js compare's tolerances: 1e-4 each).
'use strict';
const fs = require('fs');
const path = require('path');
const {tf, rng, writeNpy, artifactsOf, writeModelDir} = require('./tfjs.js');
const mnist = require('./mnist.js');

function buildModel() {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({filters: 4, kernelSize: 3, activation: 'elu', inputShape: [28, 28, 1]}));
  model.add(tf.layers.prelu({sharedAxes: [1, 2]}));
  model.add(tf.layers.maxPooling2d({poolSize: 2}));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({units: 32, activation: 'gelu'}));
  model.add(tf.layers.leakyReLU({alpha: 0.1}));
  model.add(tf.layers.dense({units: 10, activation: 'softmax'}));
  return model;
}

async function main() {
  const [dataDir, outDir] = process.argv.slice(2);
  const load = (set) => {
    const {x, shape, y} = mnist.load(dataDir, set);
    return {x: tf.tensor(x, shape), y: tf.tensor(y, [y.length], 'int32'), shape};
  };
  const train = load('train'), test = load('t10k');
  const model = buildModel();
  // Glorot-uniform kernels, small biases, PReLU slopes in [0.1, 0.4].
  const r = rng(11);
  model.setWeights(model.getWeights().map((w, i) => {
    if (model.weights[i].name.includes('alpha')) return tf.tensor(r.floats(w.size, 0.1, 0.4), w.shape);
    if (w.shape.length === 1) return tf.tensor(r.floats(w.size, -0.01, 0.01), w.shape);
    const rf = w.shape.slice(0, -2).reduce((a, b) => a * b, 1);
    const limit = Math.sqrt(6 / (w.shape.at(-2) * rf + w.shape.at(-1) * rf));
    return tf.tensor(r.floats(w.size, -limit, limit), w.shape);
  }));
  model.compile({optimizer: tf.train.sgd(0.3), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy']});
  fs.mkdirSync(outDir, {recursive: true});
  writeModelDir(outDir, await artifactsOf(model, {includeOptimizer: true}));
  writeNpy(path.join(outDir, 'x_test.npy'), test.shape, test.x.dataSync());
  const history = await model.fit(train.x, train.y.reshape([-1, 1]).toFloat(),
                                  {epochs: 1, batchSize: 32, shuffle: false, verbose: 0});
  const predictions = model.predict(test.x);
  writeNpy(path.join(outDir, 'expected.npy'), predictions.shape, predictions.dataSync());
  const loss = history.history.loss[0];
  fs.writeFileSync(path.join(outDir, 'reference.json'),
                   JSON.stringify({loss, loss_tolerance: 1e-4, prediction_tolerance: 1e-4}));
  console.log(`activations: TF.js epoch loss ${loss.toFixed(6)}`);
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
