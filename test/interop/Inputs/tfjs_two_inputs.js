// TF.js Functional models with two inputs, random weights, and TF.js's
// predictions on inputs in [0, 1):
//   image_aux: an image branch (Conv2D, Flatten) and a vector branch
//              (Dense) concatenated before the classifier;
//   branches:  two image inputs of different channels, a convolution each,
//              concatenated along the channels, then pooled;
//   swapped:   the vector input made first but given second (inputs:
//              [image, aux]), so that the model's input order is not the
//              order the inputs were made in.
// Writes DIR/mK/model.json, x0.npy, x1.npy (the inputs in the model's
// input order), expected.npy and layers.txt (each_model.js's layout), K
// counting the models above from 1.
//
// usage: tfjs_two_inputs.js DIR
//        tfjs_two_inputs.js predict MODEL.json OUT.npy X0.npy X1.npy ...
//        (TF.js's prediction of a model.json from disk, a cnnc export say)
'use strict';
const fs = require('fs');
const path = require('path');
const {tf, rng, readNpy, writeNpy, artifactsOf, writeModelDir, loadModelFile} =
    require('./tfjs.js');

const L = tf.layers;

function imageAux() {
  const image = tf.input({shape: [6, 6, 1], name: 'image'});
  const aux = tf.input({shape: [3], name: 'aux'});
  const features = L.flatten().apply(
      L.conv2d({filters: 2, kernelSize: 3, activation: 'relu'}).apply(image));
  const extra = L.dense({units: 4, activation: 'relu', name: 'aux_dense'}).apply(aux);
  const merged = L.concatenate().apply([features, extra]);
  const out = L.dense({units: 3, activation: 'softmax'}).apply(merged);
  return tf.model({inputs: [image, aux], outputs: out, name: 'image_aux'});
}

function branches() {
  const left = tf.input({shape: [5, 5, 2], name: 'left'});
  const right = tf.input({shape: [5, 5, 3], name: 'right'});
  const a = L.conv2d({filters: 3, kernelSize: 3, padding: 'same', activation: 'relu'}).apply(left);
  const b = L.conv2d({filters: 2, kernelSize: 1}).apply(right);
  const merged = L.concatenate({axis: -1}).apply([a, b]);
  const pooled = L.globalAveragePooling2d({}).apply(
      L.conv2d({filters: 4, kernelSize: 3, activation: 'relu'}).apply(merged));
  const out = L.dense({units: 2}).apply(pooled);
  return tf.model({inputs: [left, right], outputs: out, name: 'branches'});
}

function swapped() {
  const aux = tf.input({shape: [2]});
  const image = tf.input({shape: [4, 4, 1]});
  const features = L.globalMaxPooling2d({}).apply(
      L.conv2d({filters: 3, kernelSize: 2}).apply(image));
  const scaled = L.multiply().apply(
      [features, L.dense({units: 3, activation: 'sigmoid'}).apply(aux)]);
  const out = L.dense({units: 2, activation: 'softmax'}).apply(scaled);
  return tf.model({inputs: [image, aux], outputs: out});
}

async function write(dir) {
  const r = rng(1907);
  const models = [imageAux(), branches(), swapped()];
  for (const [k, model] of models.entries()) {
    for (const layer of model.layers) {
      const values = layer.getWeights().map((w) => tf.tensor(r.floats(w.size, -1, 1), w.shape));
      if (values.length) layer.setWeights(values);
    }
    const batch = 4;
    const xs = model.inputs.map((input) => {
      const shape = [batch, ...input.shape.slice(1)];
      return tf.tensor(r.floats(shape.reduce((p, d) => p * d, 1), 0, 1), shape);
    });
    const y = model.predict(xs);
    const out = path.join(dir, `m${k + 1}`);
    writeModelDir(out, await artifactsOf(model));
    fs.writeFileSync(path.join(out, 'layers.txt'),
                     model.layers.map((l) => l.getClassName()).join(' ') + '\n');
    xs.forEach((x, i) => writeNpy(path.join(out, `x${i}.npy`), x.shape, x.dataSync()));
    writeNpy(path.join(out, 'expected.npy'), y.shape, y.dataSync());
    console.log(`m${k + 1} ${model.name}: inputs ${model.inputNames.join(', ')}`);
  }
}

async function predict(file, outFile, xFiles) {
  const model = await loadModelFile(file);
  const xs = xFiles.map((f) => {
    const x = readNpy(f);
    return tf.tensor(x.data, x.shape);
  });
  const y = model.predict(xs);
  writeNpy(outFile, y.shape, y.dataSync());
}

const args = process.argv.slice(2);
(args[0] === 'predict' ? predict(args[1], args[2], args.slice(3)) : write(args[0]))
    .catch((e) => { console.error('tfjs_two_inputs.js: ' + (e.stack || e)); process.exit(1); });
