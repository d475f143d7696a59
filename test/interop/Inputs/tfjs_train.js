// The TF.js side of tfjs-train.test: one epoch of a small lesson-like model
// on an MNIST slice, from the same weights as cnnc, with Keras's rules.
//
// usage: tfjs_train.js reference DATA_DIR OUT_DIR
//   DATA_DIR holds the IDX files (train-*: the training slice, t10k-*: the
//   test images). For adam, sgd (momentum 0.9) and rmsprop, writes
//   OUT_DIR/<opt>/model.json: the model as TF.js saves it compiled with that
//     optimizer (model.save with includeOptimizer, so that trainingConfig
//     is in it), with its initial weights;
//   OUT_DIR/<opt>/expected.npy: the test images' predictions after training;
//   OUT_DIR/<opt>/reference.json: the epoch loss and the tolerances;
//   OUT_DIR/x_test.npy: the test images.
//   Prints the drift of a run from perturbed weights.
// usage: tfjs_train.js measure DATA_DIR OUT_DIR
//   As reference, and prints how far TF.js's own optimizers, loss and
//   model.fit land from the reference (the numbers tfjs-train.test quotes).
// usage: tfjs_train.js compare OUT_DIR/<opt> METRICS.json PREDICTIONS.npy
//   cnnc's epoch loss (--metrics-json) within 1e-4 of the reference's, and
//   its predictions within the reference's prediction tolerance.
//
// The reference trains as Keras (and cnnc) does, which is not quite TF.js's
// model.fit (docs/keras-semantics.md §4):
// - the loss is computed from the logits (logsumexp(z) - z_y); TF.js takes
//   -log of the softmax's probabilities clipped to [1e-7, 1 - 1e-7];
// - Adam puts epsilon on sqrt(v) (w -= a*m/(sqrt(v) + eps), a bias-corrected
//   step); TF.js's Adam puts it on the bias-corrected sqrt(v / (1 - b2^t)).
// So the reference is a plain loop (batches of 32 in order, one epoch, the
// epoch loss the batch-size-weighted mean of each batch's loss before its
// update, as fit() reports it) with Keras's update rules written out; and
// again from weights perturbed by 1e-7, whose drift sets the prediction
// tolerance (Adam magnifies tiny differences: section 4). `measure` also
// runs TF.js's own optimizer, TF.js's own loss and TF.js's model.fit.
'use strict';
const fs = require('fs');
const path = require('path');
const {tf, rng, writeNpy, readNpy, maxAbsDiff, artifactsOf, writeModelDir} = require('./tfjs.js');
const mnist = require('./mnist.js');
const {glorotOrSmall, kerasOptimizer} = require('./keras_training.js');

const BATCH = 32;
const OPTIMIZERS = {
  // name: [TF.js's optimizer as a user compiles it, Keras's hyperparameters]
  adam: [() => tf.train.adam(0.001, 0.9, 0.999, 1e-7), {lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-7}],
  sgd: [() => tf.train.momentum(0.01, 0.9), {lr: 0.01, momentum: 0.9}],
  rmsprop: [() => tf.train.rmsprop(0.001, 0.9, 0, 1e-7), {lr: 0.001, rho: 0.9, eps: 1e-7}],
};

// The lesson's model in small: Conv2D relu, MaxPooling2D, Flatten, Dense
// relu, Dense softmax. 4 filters: TF.js's CPU kernel for the filter
// gradient is slow (0.2 s a batch already). The hidden Dense(128) is the
// lesson's: its many small gradients are where Adam's epsilon placement
// shows (without it TF.js's Adam is within 6e-5 of Keras's).
//
// With `residual` (the last argument of reference/measure), a Functional
// model instead: Conv2D(4) relu, MaxPooling2D, a residual block (two
// 3x3 'same' convolutions, Add with the pooled tensor, relu), Concatenate
// of the block's output with the pooled tensor, Flatten, Dense softmax.
// The pooled tensor feeds three layers: gradients sum over fan-out and
// flow through Add and Concatenate.
//
// With `shared`, a Functional model with a shared layer: Conv2D(4) relu,
// MaxPooling2D, then one 3x3 'same' Conv2D(4) relu applied twice (to the
// pooled tensor, then to its own output), Concatenate of the two calls,
// Flatten, Dense softmax. The shared kernel's and bias's gradients are the
// sums over both calls.
let variant = null;
function buildModel() {
  if (variant === 'shared') {
    const L = tf.layers;
    const input = tf.input({shape: [28, 28, 1]});
    const pooled = L.maxPooling2d({poolSize: 2, strides: 2}).apply(
        L.conv2d({filters: 4, kernelSize: 3, activation: 'relu'}).apply(input));
    const shared = L.conv2d({filters: 4, kernelSize: 3, padding: 'same', activation: 'relu'});
    const a = shared.apply(pooled);
    const b = shared.apply(a);
    const joined = L.concatenate().apply([a, b]);
    const output = L.dense({units: 10, activation: 'softmax'}).apply(L.flatten().apply(joined));
    return tf.model({inputs: input, outputs: output});
  }
  if (variant === 'residual') {
    const L = tf.layers;
    const input = tf.input({shape: [28, 28, 1]});
    const pooled = L.maxPooling2d({poolSize: 2, strides: 2}).apply(
        L.conv2d({filters: 4, kernelSize: 3, activation: 'relu'}).apply(input));
    const a = L.conv2d({filters: 4, kernelSize: 3, padding: 'same', activation: 'relu'}).apply(pooled);
    const b = L.conv2d({filters: 4, kernelSize: 3, padding: 'same'}).apply(a);
    const block = L.activation({activation: 'relu'}).apply(L.add().apply([pooled, b]));
    const joined = L.concatenate().apply([block, pooled]);
    const output = L.dense({units: 10, activation: 'softmax'}).apply(L.flatten().apply(joined));
    return tf.model({inputs: input, outputs: output});
  }
  const model = tf.sequential();
  model.add(tf.layers.conv2d({filters: 4, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1]}));
  model.add(tf.layers.maxPooling2d({poolSize: 2, strides: 2}));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({units: 128, activation: 'relu'}));
  model.add(tf.layers.dense({units: 10, activation: 'softmax'}));
  return model;
}

// Glorot-uniform kernels and small non-zero biases, from a seed.
function initialWeights(model, seed) {
  const r = rng(seed);
  return model.getWeights().map((w) => glorotOrSmall(r, w));
}

// Mean sparse categorical crossentropy of a batch, Keras's way (from the
// Dense layer's logits) or TF.js's (from its clipped softmax output).
function batchLoss(model, form, x, y, yColumn) {
  // (A Sequential keeps its compiled loss in its inner model.)
  if (form === 'tfjs') return tf.mean(model.model.lossFunctions[0](yColumn, model.apply(x, {training: true})));
  let h = x;
  const layers = model.layers;
  if (variant) {
    // The graph up to the last Dense's input, sharing the model's layers.
    h = tf.model({inputs: model.inputs, outputs: layers.at(-1).input}).apply(x, {training: true});
  } else {
    for (const layer of layers.slice(0, -1)) h = layer.apply(h, {training: true});
  }
  const [kernel, bias] = layers.at(-1).trainableWeights.map(w => w.read());
  const logits = tf.add(tf.matMul(h, kernel), bias);
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(y, 10), tf.logSoftmax(logits)), -1)));
}

// One epoch, batches in order; returns the epoch loss and the test predictions.
function train(data, init, name, {rule, loss}) {
  const model = buildModel();
  model.compile({optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy'});  // for lossFunctions
  model.setWeights(init);
  const vars = model.trainableWeights.map(w => w.read());
  const step = rule === 'keras' ? kerasOptimizer(name, OPTIMIZERS[name][1])
                                : ((opt) => (_, grads) => opt.applyGradients(grads))(OPTIMIZERS[name][0]());
  const n = data.train.shape[0];
  let total = 0;
  for (let start = 0; start < n; start += BATCH) {
    const size = Math.min(BATCH, n - start);
    const x = data.train.x.slice([start], [size]);
    const y = data.train.y.slice([start], [size]);
    const yColumn = y.reshape([size, 1]).toFloat();
    const {value, grads} = tf.variableGrads(() => batchLoss(model, loss, x, y, yColumn), vars);
    total += value.dataSync()[0] * size;
    step(vars, grads);
    tf.dispose([x, y, yColumn, value, Object.values(grads)]);
  }
  return {loss: total / n, predictions: model.predict(data.test.x)};
}

async function reference(dataDir, outDir, measure) {
  const load = (set) => {
    const {x, shape, y} = mnist.load(dataDir, set);
    return {x: tf.tensor(x, shape), y: tf.tensor(y, [y.length], 'int32'), shape};
  };
  const data = {train: load('train'), test: load('t10k')};
  fs.mkdirSync(outDir, {recursive: true});
  writeNpy(path.join(outDir, 'x_test.npy'), data.test.shape, data.test.x.dataSync());
  const init = initialWeights(buildModel(), 7);
  // The same weights moved by up to 1e-7 each.
  const r = rng(8);
  const perturbed = init.map(w => w.add(tf.tensor(r.floats(w.size, -1e-7, 1e-7), w.shape)));
  const diff = (a, b) => maxAbsDiff({shape: a.shape, data: a.dataSync()}, {shape: b.shape, data: b.dataSync()});

  // The graph models train with Adam alone (TF.js's CPU gradients are
  // slow).
  for (const name of variant ? ['adam'] : Object.keys(OPTIMIZERS)) {
    // What a TF.js user brings: the model compiled with the optimizer and
    // saved with it (TF.js writes trainingConfig only with includeOptimizer).
    const model = buildModel();
    model.setWeights(init);
    model.compile({optimizer: OPTIMIZERS[name][0](), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy']});
    writeModelDir(path.join(outDir, name), await artifactsOf(model, {includeOptimizer: true}));

    const ref = train(data, init, name, {rule: 'keras', loss: 'keras'});
    const drift = train(data, perturbed, name, {rule: 'keras', loss: 'keras'});
    // Predictions may differ by the drift a 1e-7 perturbation causes, with
    // a margin of 3 (another perturbation drifts differently), never less
    // than 1e-4.
    const tolerance = Math.max(1e-4, 3 * diff(ref.predictions, drift.predictions));
    writeNpy(path.join(outDir, name, 'expected.npy'), ref.predictions.shape, ref.predictions.dataSync());
    fs.writeFileSync(path.join(outDir, name, 'reference.json'),
                     JSON.stringify({loss: ref.loss, loss_tolerance: 1e-4, prediction_tolerance: tolerance}));
    const row = (what, run) => console.log(
        `  ${what.padEnd(36)} loss ${Math.abs(run.loss - ref.loss).toExponential(1)}` +
        `  predictions ${diff(run.predictions, ref.predictions).toExponential(1)}`);
    console.log(`${name}: reference epoch loss ${ref.loss.toFixed(6)}; differences from it:`);
    row('reference from weights + 1e-7', drift);
    if (!measure) continue;
    const tfjsOptimizer = train(data, init, name, {rule: 'tfjs', loss: 'keras'});
    const tfjsLoss = train(data, init, name, {rule: 'keras', loss: 'tfjs'});
    const tfjsBoth = train(data, init, name, {rule: 'tfjs', loss: 'tfjs'});
    // TF.js's own model.fit, to show that the loop above is its fit().
    const history = await model.fit(data.train.x, data.train.y.reshape([-1, 1]).toFloat(),
                                    {epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0});
    const fit = {loss: history.history.loss[0], predictions: model.predict(data.test.x)};
    row('TF.js optimizer (loss from logits)', tfjsOptimizer);
    row('TF.js loss (Keras optimizer)', tfjsLoss);
    row('TF.js optimizer and loss', tfjsBoth);
    row('TF.js model.fit', fit);
    console.log(`  model.fit vs the loop with TF.js optimizer and loss: loss ` +
                `${Math.abs(fit.loss - tfjsBoth.loss).toExponential(1)}, predictions ` +
                `${diff(fit.predictions, tfjsBoth.predictions).toExponential(1)}`);
  }
}

function compare(dir, metricsFile, predictionsFile) {
  const ref = JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8'));
  const loss = JSON.parse(fs.readFileSync(metricsFile, 'utf8')).history.loss[0];
  const diff = maxAbsDiff(readNpy(path.join(dir, 'expected.npy')), readNpy(predictionsFile));
  const lossDiff = Math.abs(loss - ref.loss);
  const lossOk = lossDiff <= ref.loss_tolerance;
  const predOk = diff !== null && diff <= ref.prediction_tolerance;
  console.log(`${path.basename(dir)}: epoch loss ${loss} vs ${ref.loss.toFixed(7)}: ` +
              `${lossOk ? 'agree' : 'DIFFER'} (${lossDiff.toExponential(1)}, tolerance ${ref.loss_tolerance})`);
  console.log(`${path.basename(dir)}: predictions ${predOk ? 'agree' : 'DIFFER'} ` +
              `(${diff === null ? 'shapes differ' : diff.toExponential(1)}, ` +
              `tolerance ${ref.prediction_tolerance.toExponential(1)})`);
  process.exit(lossOk && predOk ? 0 : 1);
}

const [command, ...args] = process.argv.slice(2);
if ((command === 'reference' || command === 'measure') &&
    (args.length === 2 || (args.length === 3 && ['residual', 'shared'].includes(args[2])))) {
  variant = args.length === 3 ? args[2] : null;
  reference(args[0], args[1], command === 'measure').catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
} else if (command === 'compare' && args.length === 3) {
  compare(...args);
} else {
  console.error('usage: tfjs_train.js reference|measure DATA_DIR OUT_DIR [residual|shared] | compare DIR METRICS.json PREDICTIONS.npy');
  process.exit(2);
}
