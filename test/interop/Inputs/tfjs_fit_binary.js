// The TF.js side of tfjs-train-binary.test: one epoch of SGD(0.1) on an
// MNIST slice whose labels are 0/1 (binary_labels.py), for a model ending
// in Dense(1, sigmoid) compiled with binaryCrossentropy: Conv2D(4) relu,
// MaxPooling2D, Flatten, Dense(8) relu, Dense(1) sigmoid.
//
// usage: tfjs_fit_binary.js DATA_DIR OUT_DIR plain|weights|activity
//   plain: no regularizer; TF.js's model.fit is the reference.
//   weights: l2 on the conv kernel, l1 on its bias, l1_l2 on the hidden
//     kernel, l1 on the last kernel and l1_l2 on its bias; TF.js's
//     model.fit (which adds its layers' penalties to the loss) is the
//     reference.
//   activity: as weights, and an l1_l2 activity regularizer on the hidden
//     Dense. TF.js refuses to call a layer with an activity regularizer, so
//     model.json gets it written in afterwards, and the reference is a
//     plain loop of TF.js's SGD on tf.keras's loss: the data loss, the
//     weights' penalties and the activity penalty summed over the batch and
//     divided by its size.
// Writes OUT_DIR/model.json (compiled, its initial weights), x_test.npy,
// expected.npy (predictions after the epoch) and reference.json (the epoch
// loss; tfjs_train.js compare's tolerances).
'use strict';
const fs = require('fs');
const path = require('path');
const {tf, rng, writeNpy, artifactsOf, writeModelDir} = require('./tfjs.js');
const mnist = require('./mnist.js');

const ACTIVITY = {l1: 1e-3, l2: 1e-3};

function buildModel(regularized) {
  const r = (config) => (regularized ? tf.regularizers.l1l2(config) : undefined);
  const model = tf.sequential();
  model.add(tf.layers.conv2d({filters: 4, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1],
                              kernelRegularizer: r({l1: 0, l2: 0.01}), biasRegularizer: r({l1: 0.01, l2: 0})}));
  model.add(tf.layers.maxPooling2d({poolSize: 2}));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({units: 8, activation: 'relu', kernelRegularizer: r({l1: 1e-4, l2: 1e-3})}));
  model.add(tf.layers.dense({units: 1, activation: 'sigmoid', kernelRegularizer: r({l1: 1e-3, l2: 0}),
                             biasRegularizer: r({l1: 0.01, l2: 0.01})}));
  return model;
}

// Keras's binary crossentropy of probabilities, the mean over the batch.
function bce(p, y) {
  const c = tf.clipByValue(p, 1e-7, 1 - 1e-7);
  return tf.neg(tf.mean(tf.add(tf.mul(y, tf.log(c)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, c))))));
}

async function main() {
  const [dataDir, outDir, mode] = process.argv.slice(2);
  const load = (set) => {
    const {x, shape, y} = mnist.load(dataDir, set);
    return {x: tf.tensor(x, shape), y: tf.tensor(Float32Array.from(y), [y.length, 1]), shape};
  };
  const train = load('train'), test = load('t10k');
  const model = buildModel(mode !== 'plain');
  const r = rng(7);
  model.setWeights(model.getWeights().map((w) => {
    if (w.shape.length === 1) return tf.tensor(r.floats(w.size, -0.05, 0.05), w.shape);
    const rf = w.shape.slice(0, -2).reduce((a, b) => a * b, 1);
    const limit = Math.sqrt(6 / (w.shape.at(-2) * rf + w.shape.at(-1) * rf));
    return tf.tensor(r.floats(w.size, -limit, limit), w.shape);
  }));
  model.compile({optimizer: tf.train.sgd(0.1), loss: 'binaryCrossentropy', metrics: ['accuracy']});
  fs.mkdirSync(outDir, {recursive: true});
  const artifacts = await artifactsOf(model, {includeOptimizer: true});
  if (mode === 'activity') {
    const topology = artifacts.modelTopology;
    const hidden = (topology.model_config || topology).config.layers[3];
    hidden.config.activity_regularizer = {class_name: 'L1L2', config: ACTIVITY};
  }
  writeModelDir(outDir, artifacts);
  writeNpy(path.join(outDir, 'x_test.npy'), test.shape, test.x.dataSync());
  let loss;
  if (mode !== 'activity') {
    const history = await model.fit(train.x, train.y, {epochs: 1, batchSize: 32, shuffle: false, verbose: 0});
    loss = history.history.loss[0];
  } else {
    const hidden = model.layers[3];
    const both = tf.model({inputs: model.inputs, outputs: [hidden.output, model.outputs[0]]});
    const optimizer = tf.train.sgd(0.1);
    const n = train.shape[0];
    let sum = 0;
    for (let start = 0; start < n; start += 32) {
      const size = Math.min(32, n - start);
      const xb = train.x.slice(start, size), yb = train.y.slice(start, size);
      const cost = optimizer.minimize(() => {
        const [h, p] = both.apply(xb);
        let total = bce(p, yb);
        for (const penalty of model.calculateLosses()) total = tf.add(total, penalty);
        const activity = tf.add(tf.mul(ACTIVITY.l1, tf.sum(tf.abs(h))), tf.mul(ACTIVITY.l2, tf.sum(tf.square(h))));
        return tf.add(total, tf.div(activity, size));
      }, true);
      sum += cost.dataSync()[0] * size;
    }
    loss = sum / n;
  }
  const predictions = model.predict(test.x);
  writeNpy(path.join(outDir, 'expected.npy'), predictions.shape, predictions.dataSync());
  fs.writeFileSync(path.join(outDir, 'reference.json'),
                   JSON.stringify({loss, loss_tolerance: 1e-4, prediction_tolerance: 1e-4}));
  console.log(`binary ${mode}: TF.js epoch loss ${loss.toFixed(6)}`);
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
