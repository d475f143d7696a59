// The TF.js side of tfjs-train-conv-variants.test: one epoch of TF.js's own
// model.fit, SGD, on an MNIST slice, for a model built from issue 18's
// convolution variants: Conv2D relu, DepthwiseConv2D (depth_multiplier 2,
// strides 2) relu, SeparableConv2D ('same') relu, Conv2DTranspose (strides
// 2, 'same') tanh, MaxPooling2D, Dense softmax. UpSampling2D is not here:
// TF.js 4.22's gradient of it (resizeNearestNeighborGrad on the CPU
// backend) is wrong for a batch of more than one image (an image's
// gradient is not the sum of its blocks; checked with tf.grad against
// avgPool * 4), so its fit cannot be the reference; cnnc's is checked
// against central differences (unit/GradientCheckTest.cpp, upsampling*).
//
// usage: tfjs_fit_conv_variants.js DATA_DIR OUT_DIR
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
  model.add(tf.layers.conv2d({filters: 4, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1]}));
  model.add(tf.layers.depthwiseConv2d({kernelSize: 3, depthMultiplier: 2, strides: 2, activation: 'relu'}));
  model.add(tf.layers.separableConv2d({filters: 8, kernelSize: 3, padding: 'same', activation: 'relu'}));
  model.add(tf.layers.conv2dTranspose({filters: 4, kernelSize: 3, strides: 2, padding: 'same',
                                       activation: 'tanh'}));
  model.add(tf.layers.maxPooling2d({poolSize: 2}));
  model.add(tf.layers.flatten());
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
  // Glorot-uniform kernels, small biases.
  const r = rng(11);
  model.setWeights(model.getWeights().map((w, i) => {
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
  console.log(`conv variants: TF.js epoch loss ${loss.toFixed(6)}`);
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
