// The TF.js side of tfjs-train-more-layers.test: one epoch of TF.js's own
// model.fit, SGD (TF.js's SGD is Keras's rule), on an MNIST slice, for a
// model with issue 18's later layers in it, each trained through:
// Conv2D relu, LayerNormalization over the channels, MaxPooling2D,
// Permute (channels first), Flatten, Dense tanh, LayerNormalization,
// AlphaDropout(0) (the identity in training too, in Keras and TF.js: their
// masks are not cnnc's, so a rate above 0 cannot be compared), Dense
// softmax. (TF.js 4.22 cannot train a ThresholdedReLU: "gradient function
// not found for Greater"; unit/GradientCheckTest.cpp checks cnnc's.)
//
// usage: tfjs_fit_more_layers.js DATA_DIR OUT_DIR [permute]
//   (permute: with the Permute after the pooling, which makes the model
//   amplify rounding over many steps: tfjs-train-layer-norm-permute.test)
//   Writes OUT_DIR/model.json (compiled, with its initial weights and
//   trainingConfig), OUT_DIR/x_test.npy, OUT_DIR/expected.npy (the test
//   images' predictions after the epoch) and OUT_DIR/reference.json (the
//   epoch loss, with tfjs_train.js compare's tolerances: 1e-4 each).
'use strict';
const fs = require('fs');
const path = require('path');
const {tf, rng, writeNpy, artifactsOf, writeModelDir} = require('./tfjs.js');
const mnist = require('./mnist.js');

function buildModel(withPermute) {
  const L = tf.layers;
  const model = tf.sequential();
  model.add(L.conv2d({filters: 4, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1]}));
  model.add(L.layerNormalization({}));
  model.add(L.maxPooling2d({poolSize: 2}));
  if (withPermute) model.add(L.permute({dims: [3, 1, 2]}));
  model.add(L.flatten());
  model.add(L.dense({units: 32, activation: 'tanh'}));
  model.add(L.layerNormalization({epsilon: 1e-5}));
  model.add(L.alphaDropout({rate: 0}));
  model.add(L.dense({units: 10, activation: 'softmax'}));
  return model;
}

async function main() {
  const [dataDir, outDir, variant] = process.argv.slice(2);
  const load = (set) => {
    const {x, shape, y} = mnist.load(dataDir, set);
    return {x: tf.tensor(x, shape), y: tf.tensor(y, [y.length], 'int32'), shape};
  };
  const train = load('train'), test = load('t10k');
  const model = buildModel(variant === 'permute');
  // Glorot-uniform kernels, small biases and betas, gammas in [0.8, 1.2].
  const r = rng(18);
  model.setWeights(model.getWeights().map((w, i) => {
    if (model.weights[i].name.includes('gamma')) return tf.tensor(r.floats(w.size, 0.8, 1.2), w.shape);
    if (w.shape.length === 1) return tf.tensor(r.floats(w.size, -0.01, 0.01), w.shape);
    const rf = w.shape.slice(0, -2).reduce((a, b) => a * b, 1);
    const limit = Math.sqrt(6 / (w.shape.at(-2) * rf + w.shape.at(-1) * rf));
    return tf.tensor(r.floats(w.size, -limit, limit), w.shape);
  }));
  model.compile({optimizer: tf.train.sgd(0.1), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy']});
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
  console.log(`more layers: TF.js epoch loss ${loss.toFixed(6)}`);
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
