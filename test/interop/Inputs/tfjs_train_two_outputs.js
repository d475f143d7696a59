// The TF.js side of tfjs-train-two-outputs.test: one epoch of a model with
// two outputs, trained with a loss per output and loss weights, from the
// same weights as cnnc, with Keras's rules (keras-semantics.md §4 and §8).
//
// usage: tfjs_train_two_outputs.js reference DATA_DIR OUT_DIR
//   DATA_DIR holds the IDX files (train-*: the training slice, t10k-*: the
//   test images). Writes
//   OUT_DIR/model.json: the model as TF.js saves it, compiled with SGD (lr
//     0.05, momentum 0.9) and a loss per output by output name; TF.js 4.22 has
//     no loss_weights (its loadTrainingConfig refuses them), so they are
//     added to its trainingConfig in Keras's form, {"digit": 1, "aux": 0.5};
//   OUT_DIR/expected_<output>.npy: each output's test predictions after
//     training;
//   OUT_DIR/reference.json: the epoch's total loss and each output's loss,
//     and the tolerances;
//   OUT_DIR/x_test.npy: the test images.
// usage: tfjs_train_two_outputs.js compare OUT_DIR METRICS.json PRED_DIR
//   cnnc's History (--metrics-json): `loss`, `digit_loss` and `aux_loss`
//   each within 1e-4 of the reference's, and PRED_DIR/<output>.npy (cnnc
//   predict -o PRED_DIR) within the prediction tolerance.
//
// The reference is a plain loop, as tfjs_train.js's: batches of 32 in
// order; each output's loss is Keras's sparse categorical crossentropy
// from the logits under its softmax; the batch's loss is
// 1 · loss_digit + 0.5 · loss_aux, whose gradient SGD (Keras's rule)
// applies; the epoch's losses are the batch-size-weighted means of each
// batch's value before its update, as fit() reports them.
'use strict';
const fs = require('fs');
const path = require('path');
const {tf, rng, writeNpy, readNpy, maxAbsDiff, artifactsOf, writeModelDir} = require('./tfjs.js');
const mnist = require('./mnist.js');
const {glorotOrSmall, kerasOptimizer} = require('./keras_training.js');

const BATCH = 32;
const WEIGHTS = {digit: 1.0, aux: 0.5};
const OUTPUTS = ['digit', 'aux'];

// Conv2D(4) relu and MaxPooling2D, shared by two heads: Dense(10) softmax
// on the flattened features ('digit') and Dense(10) softmax on their
// global average ('aux'). The shared layers' gradient is the sum of both
// heads' weighted gradients.
function buildModel() {
  const L = tf.layers;
  const input = tf.input({shape: [28, 28, 1]});
  const features = L.maxPooling2d({poolSize: 2, strides: 2}).apply(
      L.conv2d({filters: 4, kernelSize: 3, activation: 'relu'}).apply(input));
  const digit = L.dense({units: 10, activation: 'softmax', name: 'digit'}).apply(
      L.flatten().apply(features));
  const aux = L.dense({units: 10, activation: 'softmax', name: 'aux'}).apply(
      L.globalAveragePooling2d({}).apply(features));
  return tf.model({inputs: input, outputs: [digit, aux]});
}

// Each output's mean crossentropy from its Dense layer's logits.
function outputLosses(model, x, y) {
  const heads = OUTPUTS.map((name) => model.getLayer(name));
  const inner = tf.model({inputs: model.inputs, outputs: heads.map((h) => h.input)})
                    .apply(x, {training: true});
  return heads.map((head, i) => {
    const [kernel, bias] = head.trainableWeights.map((w) => w.read());
    const logits = tf.add(tf.matMul(inner[i], kernel), bias);
    return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(y, 10), tf.logSoftmax(logits)), -1)));
  });
}

// One epoch; the epoch's losses and each output's test predictions.
function train(data, init) {
  const model = buildModel();
  model.setWeights(init);
  const vars = model.trainableWeights.map((w) => w.read());
  const step = kerasOptimizer('sgd', {lr: 0.05, momentum: 0.9});
  const n = data.train.shape[0];
  const sums = {loss: 0, digit_loss: 0, aux_loss: 0};
  for (let start = 0; start < n; start += BATCH) {
    const size = Math.min(BATCH, n - start);
    const x = data.train.x.slice([start], [size]);
    const y = data.train.y.slice([start], [size]);
    let parts;
    const {value, grads} = tf.variableGrads(() => {
      // Kept past variableGrads's tidy, for the per-output means.
      parts = outputLosses(model, x, y).map((t) => tf.keep(t));
      return tf.add(tf.mul(parts[0], WEIGHTS.digit), tf.mul(parts[1], WEIGHTS.aux));
    }, vars);
    sums.loss += value.dataSync()[0] * size;
    sums.digit_loss += parts[0].dataSync()[0] * size;
    sums.aux_loss += parts[1].dataSync()[0] * size;
    step(vars, grads);
    tf.dispose([x, y, value, parts, Object.values(grads)]);
  }
  const losses = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / n]));
  return {losses, predictions: model.predict(data.test.x)};
}

async function reference(dataDir, outDir) {
  const load = (set) => {
    const {x, shape, y} = mnist.load(dataDir, set);
    return {x: tf.tensor(x, shape), y: tf.tensor(y, [y.length], 'int32'), shape};
  };
  const data = {train: load('train'), test: load('t10k')};
  fs.mkdirSync(outDir, {recursive: true});
  writeNpy(path.join(outDir, 'x_test.npy'), data.test.shape, data.test.x.dataSync());
  const r = rng(19);
  const init = buildModel().getWeights().map((w) => glorotOrSmall(r, w));

  const model = buildModel();
  model.setWeights(init);
  model.compile({optimizer: tf.train.momentum(0.05, 0.9),
                 loss: {digit: 'sparseCategoricalCrossentropy', aux: 'sparseCategoricalCrossentropy'},
                 metrics: ['accuracy']});
  const artifacts = await artifactsOf(model, {includeOptimizer: true});
  artifacts.trainingConfig = {...artifacts.trainingConfig, loss_weights: WEIGHTS};
  writeModelDir(outDir, artifacts);

  const ref = train(data, init);
  // The same weights moved by up to 1e-7: the drift sets the prediction
  // tolerance (keras-semantics.md §4), never below 1e-5.
  const r2 = rng(20);
  const drift = train(data, init.map((w) => w.add(tf.tensor(r2.floats(w.size, -1e-7, 1e-7), w.shape))));
  let tolerance = 1e-5;
  OUTPUTS.forEach((name, i) => {
    const p = ref.predictions[i], q = drift.predictions[i];
    writeNpy(path.join(outDir, `expected_${name}.npy`), p.shape, p.dataSync());
    const d = maxAbsDiff({shape: p.shape, data: p.dataSync()}, {shape: q.shape, data: q.dataSync()});
    tolerance = Math.max(tolerance, 3 * d);
  });
  fs.writeFileSync(path.join(outDir, 'reference.json'),
                   JSON.stringify({losses: ref.losses, loss_tolerance: 1e-4, prediction_tolerance: tolerance}));
  console.log(`reference epoch losses: loss ${ref.losses.loss.toFixed(6)}, ` +
              `digit_loss ${ref.losses.digit_loss.toFixed(6)}, aux_loss ${ref.losses.aux_loss.toFixed(6)}`);
}

function compare(dir, metricsFile, predictionsDir) {
  const ref = JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8'));
  const history = JSON.parse(fs.readFileSync(metricsFile, 'utf8')).history;
  let ok = true;
  for (const key of Object.keys(ref.losses)) {
    const got = history[key] ? history[key][0] : NaN;
    const diff = Math.abs(got - ref.losses[key]);
    const agree = diff <= ref.loss_tolerance;
    ok = ok && agree;
    console.log(`${key}: ${got} vs ${ref.losses[key].toFixed(7)}: ${agree ? 'agree' : 'DIFFER'} ` +
                `(${diff.toExponential(1)}, tolerance ${ref.loss_tolerance})`);
  }
  for (const name of OUTPUTS) {
    const diff = maxAbsDiff(readNpy(path.join(dir, `expected_${name}.npy`)),
                            readNpy(path.join(predictionsDir, `${name}.npy`)));
    const agree = diff !== null && diff <= ref.prediction_tolerance;
    ok = ok && agree;
    console.log(`${name} predictions ${agree ? 'agree' : 'DIFFER'} ` +
                `(${diff === null ? 'shapes differ' : diff.toExponential(1)}, ` +
                `tolerance ${ref.prediction_tolerance.toExponential(1)})`);
  }
  process.exit(ok ? 0 : 1);
}

const [command, ...args] = process.argv.slice(2);
if (command === 'reference' && args.length === 2) {
  reference(...args).catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
} else if (command === 'compare' && args.length === 3) {
  compare(...args);
} else {
  console.error('usage: tfjs_train_two_outputs.js reference DATA_DIR OUT_DIR | compare DIR METRICS.json PRED_DIR');
  process.exit(2);
}
