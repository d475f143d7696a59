// Random models trained by TF.js, for a differential test of cnnc's
// training: COUNT models drawn as tfjs_random_models.js draws them (without
// the layers whose training draws random numbers, without UpSampling2D,
// whose gradient TF.js 4.22 gets wrong for batches, and without dilated
// convolutions, whose gradient it lacks), on MNIST's 28x28x1 images, each
// followed by Flatten (when it still has images) and Dense(10, softmax),
// compiled with SGD(0.01) and sparse categorical cross-entropy, and
// trained by TF.js's model.fit for one epoch of the data's training
// images, batch 32, in order. Each DIR/mK holds the compiled model.json
// with its initial weights, x_test.npy, expected.npy (TF.js's predictions
// after the epoch) and reference.json (the epoch loss and tfjs_train.js
// compare's tolerances, 1e-4 each), and layers.txt.
//
// model.fit trains as Keras does, with two corrections where TF.js 4.22
// does not (docs/testing.md):
// - the loss is Keras's: with a softmax output, the cross-entropy of the
//   logits (the head trains with a linear activation and a from-logits
//   loss; the model saved and the predictions have the softmax). TF.js's
//   own takes -log of the probabilities clipped to [1e-7, 1 - 1e-7], so a
//   sample whose label's probability falls below 1e-7 stops contributing
//   a gradient;
// - the gradients are TensorFlow's where TF.js's differ at ties and kinks,
//   and for average pooling at a 'same' border (keras_gradients.js).
//
// usage: tfjs_fit_random.js DATA_DIR DIR SEED COUNT
'use strict';
const fs = require('fs');
const path = require('path');
const {tf, rng, writeNpy, artifactsOf, writeModelDir} = require('./tfjs.js');
const mnist = require('./mnist.js');
const {drawGraph, setRandomWeights} = require('./tfjs_random_models.js');
require('./keras_gradients.js').useKerasGradients();

// Keras's cross-entropy of a softmax output, from its logits: per sample
// logsumexp(z) - z_label, with the label one-hot (model.fit takes the mean).
function crossEntropyOfLogits(oneHot, logits) {
  return tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), -1));
}

async function main() {
  const [dataDir, outDir, seedText, countText] = process.argv.slice(2);
  if (!dataDir || !outDir || !seedText || !countText) {
    console.error('usage: tfjs_fit_random.js DATA_DIR DIR SEED COUNT');
    process.exit(2);
  }
  const load = (set) => {
    const {x, shape, y} = mnist.load(dataDir, set);
    return {x: tf.tensor(x, shape), y: tf.tensor(y, [y.length], 'int32'), shape};
  };
  const train = load('train'), test = load('t10k');
  const seed = Number(seedText), count = Number(countText);
  for (let k = 0; k < count; ++k) {
    const r = rng(seed * 100003 + k);
    const functional = r.chance(0.5);
    const input = tf.input({shape: [28, 28, 1]});
    let [output, layers, described, shape] = drawGraph(r, input, [28, 28, 1], functional,
                                                       /*training=*/true);
    const head = [];
    if (shape.length === 3) head.push(tf.layers.flatten());
    const dense = tf.layers.dense({units: 10, activation: 'softmax'});
    head.push(dense);
    let model;
    if (functional) {
      for (const layer of head) output = layer.apply(output);
      model = tf.model({inputs: input, outputs: output});
    } else {
      model = tf.sequential();
      model.add(tf.layers.inputLayer({inputShape: [28, 28, 1]}));
      for (const layer of [...layers, ...head]) model.add(layer);
    }
    setRandomWeights(r, model);
    model.compile({optimizer: tf.train.sgd(0.01), loss: 'sparseCategoricalCrossentropy',
                   metrics: ['accuracy']});
    const dir = path.join(outDir, `m${k}`);
    writeModelDir(dir, await artifactsOf(model, {includeOptimizer: true}));
    writeNpy(path.join(dir, 'x_test.npy'), test.shape, test.x.dataSync());
    // Train on the logits, as Keras does (above), then predict with the
    // softmax again.
    const softmax = dense.activation;
    dense.activation = tf.layers.dense({units: 1}).activation;  // linear
    model.compile({optimizer: tf.train.sgd(0.01), loss: crossEntropyOfLogits});
    const history = await model.fit(train.x, tf.oneHot(train.y, 10).toFloat(),
                                    {epochs: 1, batchSize: 32, shuffle: false, verbose: 0});
    dense.activation = softmax;
    const predictions = model.predict(test.x);
    writeNpy(path.join(dir, 'expected.npy'), predictions.shape, predictions.dataSync());
    fs.writeFileSync(path.join(dir, 'reference.json'),
                     JSON.stringify({loss: history.history.loss[0], loss_tolerance: 1e-4,
                                     prediction_tolerance: 1e-4}));
    fs.writeFileSync(path.join(dir, 'layers.txt'),
                     `training seed ${seed} model ${k}, ${functional ? 'Functional' : 'Sequential'}: ` +
                     `${described.join(', ')}, then Dense(10, softmax)\n`);
  }
  console.log(`${count} models trained`);
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
