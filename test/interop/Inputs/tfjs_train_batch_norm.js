// The TF.js side of tfjs-train-batch-norm.test: one epoch of a model with
// trainable BatchNormalization layers (after a convolution, rank 4, and
// after a dense layer, rank 2) on an MNIST slice, from the same weights as
// cnnc, with Keras's rules.
//
// usage: tfjs_train_batch_norm.js reference DATA_DIR OUT_DIR
//   For sgd (momentum 0.9) and adam writes OUT_DIR/<opt>/model.json (the
//   model compiled with that optimizer and saved with it, its initial
//   weights: gamma, beta and the moving statistics far from 1, 0, 0, 1),
//   OUT_DIR/<opt>/expected.npy (the test images' predictions after the
//   epoch, in inference mode: the moving statistics), OUT_DIR/<opt>/
//   weights.json (every weight after the epoch, by name, moving statistics
//   included) and OUT_DIR/<opt>/reference.json (the epoch loss, the test
//   loss and the tolerances); OUT_DIR/x_test.npy.
// usage: tfjs_train_batch_norm.js measure DATA_DIR OUT_DIR
//   As reference, and prints how far TF.js's own model.fit (SGD, whose rule
//   is Keras's) lands from the loop: the loop is fit().
// usage: tfjs_train_batch_norm.js compare OUT_DIR/<opt> METRICS.json
//        PREDICTIONS.npy EXPORTED_MODEL.json
//   cnnc's epoch and test loss (--metrics-json), its predictions and its
//   weights after the epoch (a TF.js export of its checkpoint) against the
//   reference's, within the tolerances.
//
// TF.js 4.22's BatchNormalization in training (tfjs-layers
// normalization.ts) is Keras 3's: tf.moments over every axis but the
// channels (mean, biased variance), normalized with those, and each moving
// statistic updated as moving - (moving - batch) * (1 - momentum), which is
// Keras's moving * momentum + batch * (1 - momentum) up to rounding; its
// gradient flows through the moments. The loop below uses TF.js's layers
// in training mode (so their moving-average updates), and Keras's loss
// (from the logits) and update rules as tfjs_train.js does. TF.js cannot
// train a layer with center or scale false (call() reads this.beta and
// this.gamma unconditionally); those are checked against central
// differences and the reference in unit/GradientCheckTest.cpp.
'use strict';
const fs = require('fs');
const path = require('path');
const {tf, rng, writeNpy, readNpy, maxAbsDiff, artifactsOf, writeModelDir} = require('./tfjs.js');
const mnist = require('./mnist.js');
const {glorotOrSmall, kerasOptimizer} = require('./keras_training.js');

const BATCH = 32;
const OPTIMIZERS = {
  sgd: [() => tf.train.momentum(0.01, 0.9), {lr: 0.01, momentum: 0.9}],
  adam: [() => tf.train.adam(0.001, 0.9, 0.999, 1e-7), {lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-7}],
};

function buildModel() {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({filters: 4, kernelSize: 3, useBias: false, inputShape: [28, 28, 1]}));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.activation({activation: 'relu'}));
  model.add(tf.layers.maxPooling2d({poolSize: 2}));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({units: 32}));
  model.add(tf.layers.batchNormalization({momentum: 0.9, epsilon: 0.01}));
  model.add(tf.layers.activation({activation: 'relu'}));
  model.add(tf.layers.dense({units: 10, activation: 'softmax'}));
  return model;
}

// Glorot-uniform kernels, small biases; BN's weights away from their
// initial values, so that a statistic or a gamma used in the wrong place
// shows.
function initialWeights(model, seed) {
  const r = rng(seed);
  return model.weights.map((v) => {
    const w = v.read();
    const name = v.name.split('/').pop();
    const values = {gamma: [0.5, 1.5], beta: [-0.2, 0.2], moving_mean: [-0.5, 0.5],
                    moving_variance: [0.5, 2]}[name];
    if (values) return tf.tensor(r.floats(w.size, ...values), w.shape);
    return glorotOrSmall(r, w);
  });
}

// The batch's mean loss as Keras computes it, from the last Dense's logits;
// every layer runs in training mode (BN: batch statistics, and its
// moving-average update).
function batchLoss(model, x, y) {
  let h = x;
  for (const layer of model.layers.slice(0, -1)) h = layer.apply(h, {training: true});
  const [kernel, bias] = model.layers.at(-1).trainableWeights.map(w => w.read());
  const logits = tf.add(tf.matMul(h, kernel), bias);
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(y, 10), tf.logSoftmax(logits)), -1)));
}

// The test set's mean loss in inference mode, from the logits.
function testLoss(model, data) {
  return tf.tidy(() => {
    const truncated = tf.model({inputs: model.inputs, outputs: model.layers.at(-1).input});
    const [kernel, bias] = model.layers.at(-1).trainableWeights.map(w => w.read());
    const logits = tf.add(tf.matMul(truncated.predict(data.test.x), kernel), bias);
    return -tf.mean(tf.sum(tf.mul(tf.oneHot(data.test.y, 10), tf.logSoftmax(logits)), -1)).dataSync()[0];
  });
}

// Every weight by the name the saved model gives it (TF.js numbers the
// layers of each model it builds on).
function weightsByName(model, names) {
  const out = {};
  model.weights.forEach((v, i) => {
    out[names[i]] = {shape: v.shape, data: Array.from(v.read().dataSync())};
  });
  return out;
}

// One epoch, batches in order.
function train(data, init, name, names) {
  const model = buildModel();
  model.setWeights(init);
  const vars = model.trainableWeights.map(w => w.read());
  const step = kerasOptimizer(name, OPTIMIZERS[name][1]);
  const n = data.train.shape[0];
  let total = 0;
  for (let start = 0; start < n; start += BATCH) {
    const size = Math.min(BATCH, n - start);
    const x = data.train.x.slice([start], [size]);
    const y = data.train.y.slice([start], [size]);
    const {value, grads} = tf.variableGrads(() => batchLoss(model, x, y), vars);
    total += value.dataSync()[0] * size;
    step(vars, grads);
    tf.dispose([x, y, value, Object.values(grads)]);
  }
  return {model, loss: total / n, testLoss: testLoss(model, data),
          predictions: model.predict(data.test.x), weights: weightsByName(model, names)};
}

function weightDiffs(a, b) {
  const out = {};
  for (const name of Object.keys(a)) {
    out[name] = maxAbsDiff(a[name], b[name]);
  }
  return out;
}

async function reference(dataDir, outDir, measure) {
  const load = (set) => {
    const {x, shape, y} = mnist.load(dataDir, set);
    return {x: tf.tensor(x, shape), y: tf.tensor(y, [y.length], 'int32'), shape};
  };
  const data = {train: load('train'), test: load('t10k')};
  fs.mkdirSync(outDir, {recursive: true});
  writeNpy(path.join(outDir, 'x_test.npy'), data.test.shape, data.test.x.dataSync());
  const init = initialWeights(buildModel(), 17);
  const r = rng(18);
  const perturbed = init.map(w => w.add(tf.tensor(r.floats(w.size, -1e-7, 1e-7), w.shape)));
  const diff = (a, b) => maxAbsDiff({shape: a.shape, data: a.dataSync()}, {shape: b.shape, data: b.dataSync()});

  for (const name of Object.keys(OPTIMIZERS)) {
    const model = buildModel();
    model.setWeights(init);
    model.compile({optimizer: OPTIMIZERS[name][0](), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy']});
    writeModelDir(path.join(outDir, name), await artifactsOf(model, {includeOptimizer: true}));

    const names = model.weights.map(v => v.name);
    const ref = train(data, init, name, names);
    const drift = train(data, perturbed, name, names);
    // Predictions and weights may differ by 3 times the drift a 1e-7
    // perturbation of the weights causes (another perturbation drifts
    // differently), never by less than 1e-4 (predictions) or 1e-5
    // (weights, per tensor).
    const driftWeights = weightDiffs(ref.weights, drift.weights);
    const weightTolerance = {};
    for (const [w, d] of Object.entries(driftWeights)) weightTolerance[w] = Math.max(1e-5, 3 * d);
    const tolerance = Math.max(1e-4, 3 * diff(ref.predictions, drift.predictions));
    writeNpy(path.join(outDir, name, 'expected.npy'), ref.predictions.shape, ref.predictions.dataSync());
    fs.writeFileSync(path.join(outDir, name, 'weights.json'), JSON.stringify(ref.weights));
    fs.writeFileSync(path.join(outDir, name, 'reference.json'), JSON.stringify({
      loss: ref.loss, test_loss: ref.testLoss, loss_tolerance: 1e-4,
      prediction_tolerance: tolerance, weight_tolerance: weightTolerance}));
    console.log(`${name}: reference epoch loss ${ref.loss.toFixed(6)}, test loss ` +
                `${ref.testLoss.toFixed(6)}; from weights + 1e-7: loss ` +
                `${Math.abs(drift.loss - ref.loss).toExponential(1)}, predictions ` +
                `${diff(drift.predictions, ref.predictions).toExponential(1)}, weights ` +
                `${Math.max(...Object.values(driftWeights)).toExponential(1)}`);
    if (!measure || name !== 'sgd') continue;
    // TF.js's model.fit with its own SGD (Keras's rule) and its own loss
    // (clipped probabilities, a rounding away from the logits here).
    const history = await model.fit(data.train.x, data.train.y.reshape([-1, 1]).toFloat(),
                                    {epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0});
    const fitDiffs = weightDiffs(ref.weights, weightsByName(model, names));
    console.log(`  TF.js model.fit: loss ${Math.abs(history.history.loss[0] - ref.loss).toExponential(1)}, ` +
                `predictions ${diff(model.predict(data.test.x), ref.predictions).toExponential(1)}, ` +
                `weights ${Math.max(...Object.values(fitDiffs)).toExponential(1)}`);
  }
}

// The weights of a TF.js model directory, by name.
function readModelWeights(file) {
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  const out = {};
  for (const group of json.weightsManifest) {
    const bytes = Buffer.concat(group.paths.map(p => fs.readFileSync(path.join(path.dirname(file), p))));
    let offset = 0;
    for (const w of group.weights) {
      const size = w.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(size);
      for (let i = 0; i < size; ++i) data[i] = bytes.readFloatLE(offset + 4 * i);
      offset += 4 * size;
      out[w.name] = {shape: w.shape, data: Array.from(data)};
    }
  }
  return out;
}

function compare(dir, metricsFile, predictionsFile, exportedModel) {
  const ref = JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8'));
  const metrics = JSON.parse(fs.readFileSync(metricsFile, 'utf8'));
  const name = path.basename(dir);
  let ok = true;
  const check = (what, good, detail) => {
    console.log(`${name}: ${what} ${good ? 'agree' : 'DIFFER'} (${detail})`);
    ok = ok && good;
  };
  for (const [what, mine, theirs] of [['epoch loss', metrics.history.loss[0], ref.loss],
                                       ['test loss', metrics.test.loss, ref.test_loss]]) {
    const d = Math.abs(mine - theirs);
    check(what, d <= ref.loss_tolerance, `${mine} vs ${theirs.toFixed(7)}, ${d.toExponential(1)}, tolerance ${ref.loss_tolerance}`);
  }
  const p = maxAbsDiff(readNpy(path.join(dir, 'expected.npy')), readNpy(predictionsFile));
  check('predictions', p !== null && p <= ref.prediction_tolerance,
        `${p === null ? 'shapes differ' : p.toExponential(1)}, tolerance ${ref.prediction_tolerance.toExponential(1)}`);
  const expected = JSON.parse(fs.readFileSync(path.join(dir, 'weights.json'), 'utf8'));
  const mine = readModelWeights(exportedModel);
  for (const [w, tolerance] of Object.entries(ref.weight_tolerance)) {
    const d = mine[w] ? maxAbsDiff(expected[w], mine[w]) : null;
    check(w, d !== null && d <= tolerance,
          `${d === null ? 'missing or shaped otherwise' : d.toExponential(1)}, tolerance ${tolerance.toExponential(1)}`);
  }
  process.exit(ok ? 0 : 1);
}

const [command, ...args] = process.argv.slice(2);
if ((command === 'reference' || command === 'measure') && args.length === 2) {
  reference(args[0], args[1], command === 'measure').catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
} else if (command === 'compare' && args.length === 4) {
  compare(...args);
} else {
  console.error('usage: tfjs_train_batch_norm.js reference|measure DATA_DIR OUT_DIR | compare DIR METRICS.json PREDICTIONS.npy EXPORTED/model.json');
  process.exit(2);
}
