// Writes the TF.js fixtures of the Keras JSON frontend's tests, with TF.js
// itself, so the tests read what a real TF.js user brings rather than what
// cnnc thinks TF.js writes (docs/keras-semantics.md §5).
//
//   mkdir -p /tmp/tfjs && cd /tmp/tfjs && npm init -y &&
//     npm install @tensorflow/tfjs@4.22.0
//   cd /tmp/tfjs && node <repo>/test/Frontends/keras-json/Inputs/make_tfjs_fixtures.js
//
// For each model it writes, under tfjs/ next to this script:
//   <stem>.toJSON.json   what `model.toJSON()` returns (one line, as TF.js
//                        gives it);
//   <stem>/model.json    what `model.save('file://<stem>')` writes (tfjs-node's
//                        file handler: the artifacts as model JSON with a
//                        manifest naming `weights.bin`, JSON.stringify'd).
// tfjs-node is not needed: a tf.io.withSaveHandler does the writing, as that
// handler would. Only the tiny model keeps its weights.bin (220 bytes); the
// others' weights are hundreds of kilobytes and no test reads them.
//
// All models are built in one process, in this order, so TF.js's per-class
// name counters run on across them as they do for a user (the second model's
// first Conv2D is conv2d_Conv2D3). Weights are set to a fixed pattern so the
// output does not change from run to run.

'use strict';

const fs = require('fs');
const path = require('path');
// Resolve TF.js from the working directory (the scratch install), not from
// this script's directory (the repository, which has no node_modules).
const tf = require(require.resolve('@tensorflow/tfjs', {paths: [process.cwd()]}));

const outDir = path.join(__dirname, 'tfjs');

/// Sets every weight to a deterministic pattern.
function setFixedWeights(model) {
  const weights = model.getWeights().map((w, i) => {
    const n = w.size;
    const values = new Float32Array(n);
    for (let j = 0; j < n; ++j)
      values[j] = (((j * 37 + i * 11) % 101) - 50) / 500;
    return tf.tensor(values, w.shape, 'float32');
  });
  model.setWeights(weights);
}

/// tfjs-core's io_utils.getModelJSONForModelArtifacts, which tfjs-node's
/// file handler calls but tf.io does not export: the same keys, same order.
function modelJSONForArtifacts(artifacts, manifest) {
  const result = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: manifest,
  };
  for (const key of ['signature', 'userDefinedMetadata', 'modelInitializer',
                     'initializerSignature', 'trainingConfig'])
    if (artifacts[key] != null)
      result[key] = artifacts[key];
  return result;
}

async function write(stem, model, {includeOptimizer = false, keepWeights = false} = {}) {
  setFixedWeights(model);
  fs.mkdirSync(path.join(outDir, stem), {recursive: true});
  fs.writeFileSync(path.join(outDir, `${stem}.toJSON.json`), model.toJSON() + '\n');
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const manifest = [{paths: ['weights.bin'], weights: artifacts.weightSpecs}];
    const modelJSON = modelJSONForArtifacts(artifacts, manifest);
    fs.writeFileSync(path.join(outDir, stem, 'model.json'),
                     JSON.stringify(modelJSON) + '\n');
    if (keepWeights) {
      const data = Array.isArray(artifacts.weightData)
          ? tf.io.concatenateArrayBuffers(artifacts.weightData)
          : artifacts.weightData;
      fs.writeFileSync(path.join(outDir, stem, 'weights.bin'), Buffer.from(data));
    }
    return {modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts)};
  }), {includeOptimizer});
}

async function main() {
  // The pooling lesson's model (examples/mnist_cnn.py), written in TF.js.
  const lesson = tf.sequential();
  lesson.add(tf.layers.conv2d({filters: 32, kernelSize: [3, 3], padding: 'valid',
                               activation: 'relu', inputShape: [28, 28, 1]}));
  lesson.add(tf.layers.maxPooling2d({poolSize: [2, 2], strides: 2, padding: 'valid'}));
  lesson.add(tf.layers.conv2d({filters: 32, kernelSize: [3, 3], padding: 'valid',
                               activation: 'relu'}));
  lesson.add(tf.layers.maxPooling2d({poolSize: [2, 2], strides: 2, padding: 'valid'}));
  lesson.add(tf.layers.flatten());
  lesson.add(tf.layers.dense({units: 128, activation: 'relu'}));
  lesson.add(tf.layers.dense({units: 10, activation: 'softmax'}));
  lesson.compile({optimizer: 'adam', loss: 'sparseCategoricalCrossentropy',
                  metrics: ['accuracy']});
  await write('lesson', lesson, {includeOptimizer: true});

  // 'same' padding with strides and dilation (examples/same_padding_strides.py).
  const same = tf.sequential();
  same.add(tf.layers.conv2d({filters: 16, kernelSize: 3, strides: 2, padding: 'same',
                             activation: 'relu', inputShape: [28, 28, 1]}));
  same.add(tf.layers.conv2d({filters: 32, kernelSize: [5, 5], strides: [2, 2],
                             padding: 'same'}));
  same.add(tf.layers.maxPooling2d({poolSize: 3, strides: 2, padding: 'same'}));
  same.add(tf.layers.conv2d({filters: 32, kernelSize: 3, dilationRate: 2,
                             padding: 'same', activation: 'relu'}));
  same.add(tf.layers.flatten());
  same.add(tf.layers.dense({units: 10, activation: 'softmax'}));
  same.compile({optimizer: tf.train.momentum(0.01, 0.9),
                loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy']});
  await write('same_padding', same, {includeOptimizer: true});

  // Average and global pooling with dropout.
  const pooling = tf.sequential();
  pooling.add(tf.layers.conv2d({filters: 32, kernelSize: 3, activation: 'relu',
                                inputShape: [28, 28, 1]}));
  pooling.add(tf.layers.averagePooling2d({poolSize: [2, 2]}));
  pooling.add(tf.layers.conv2d({filters: 64, kernelSize: 3, activation: 'relu',
                                biasInitializer: tf.initializers.randomNormal(
                                    {mean: 0, stddev: 0.01, seed: 7})}));
  pooling.add(tf.layers.globalAveragePooling2d({}));
  pooling.add(tf.layers.dropout({rate: 0.25}));
  pooling.add(tf.layers.dense({units: 10, activation: 'softmax'}));
  pooling.compile({optimizer: tf.train.rmsprop(0.001), loss: 'categoricalCrossentropy',
                   metrics: ['accuracy']});
  await write('pooling_dropout', pooling);

  // Activations as layers of their own (examples/separate_activations.py).
  const activations = tf.sequential({name: 'activations'});
  activations.add(tf.layers.conv2d({filters: 32, kernelSize: [3, 3], name: 'stem',
                                    kernelInitializer: 'heNormal',
                                    inputShape: [28, 28, 1]}));
  activations.add(tf.layers.reLU());
  activations.add(tf.layers.maxPooling2d({poolSize: [2, 2]}));
  activations.add(tf.layers.conv2d({filters: 32, kernelSize: [3, 3]}));
  activations.add(tf.layers.activation({activation: 'relu'}));
  activations.add(tf.layers.maxPooling2d({poolSize: [2, 2]}));
  activations.add(tf.layers.flatten());
  activations.add(tf.layers.dense({units: 128}));
  activations.add(tf.layers.activation({activation: 'tanh'}));
  activations.add(tf.layers.dense({units: 10}));
  activations.add(tf.layers.softmax());
  await write('separate_activations', activations);

  // A model small enough to keep its weights: global max pooling, a softmax
  // layer, non-default initializers.
  const tiny = tf.sequential();
  tiny.add(tf.layers.conv2d({filters: 4, kernelSize: 3, inputShape: [8, 8, 1],
                             kernelInitializer: 'glorotUniform', useBias: true}));
  tiny.add(tf.layers.reLU());
  tiny.add(tf.layers.globalMaxPooling2d({}));
  tiny.add(tf.layers.dense({units: 3, kernelInitializer: tf.initializers.randomUniform(
                                {minval: -0.1, maxval: 0.1, seed: 3}),
                            biasInitializer: 'ones'}));
  tiny.add(tf.layers.softmax());
  await write('tiny', tiny, {keepWeights: true});
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
