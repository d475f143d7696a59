// What the interop scripts share: TF.js loaded quietly, cnnc's MinPooling
// layers as TF.js layers, a seeded PRNG, .npy and model.json files.
'use strict';
const fs = require('fs');
const path = require('path');
const {writeNpy, readNpy, maxAbsDiff} = require('./npy.js');

let tf;
try {
  tf = require('@tensorflow/tfjs');
} catch (e) {
  console.error('cannot load @tensorflow/tfjs (' + e.message.split('\n')[0] +
                '): run scripts/fetch-tfjs, and run node as lit\'s %node');
  process.exit(1);
}
// TF.js prints an "install tfjs-node" banner on first use through
// backend_util.warn, which PROD silences; only the CPU backend is wanted.
tf.env().set('PROD', true);
tf.setBackend('cpu');

// cnnc's MinPooling2D / GlobalMinPooling2D (not Keras layers; docs/keras-semantics.md
// §2: -maxpool(-x)), registered so that TF.js builds, saves, loads and
// predicts models that use them like any other layer.
const MaxPooling2D = tf.layers.maxPooling2d({poolSize: 2}).constructor;
const GlobalMaxPooling2D = tf.layers.globalMaxPooling2d({}).constructor;
class MinPooling2D extends MaxPooling2D {
  poolingFunction(x, ...rest) {
    return tf.tidy(() => tf.neg(super.poolingFunction(tf.neg(x), ...rest)));
  }
}
MinPooling2D.className = 'MinPooling2D';
class GlobalMinPooling2D extends GlobalMaxPooling2D {
  call(inputs, kwargs) {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.neg(super.call(tf.neg(x), kwargs));
    });
  }
}
GlobalMinPooling2D.className = 'GlobalMinPooling2D';
tf.serialization.registerClass(MinPooling2D);
tf.serialization.registerClass(GlobalMinPooling2D);

// mulberry32: a small deterministic PRNG, so that a seed names the models.
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),  // [lo, hi]
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
    floats: (n, lo, hi) => Float32Array.from({length: n}, () => lo + (hi - lo) * next()),
  };
}

// The artifacts model.save hands to a save handler.
async function artifactsOf(model, options = {}) {
  let saved;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
  }), options);
  return saved;
}

// Writes DIR/model.json and its weight files as TF.js's file savers do:
// `paths` relative to model.json, little-endian float32 in manifest order.
// layout.groups: how many manifest groups (the converter's weight groups),
// layout.shards: files per group (split at 4-byte offsets, mid-tensor as the
// converter's 4 MiB split falls, named as it names them), layout.prefix: ''
// or './', layout.single: the file's name when there is one (TF.js's
// 'weights.bin' or the converter's 'group1-shard1of1.bin').
function writeModelDir(dir, artifacts, layout = {}) {
  const {groups = 1, shards = 1, prefix = '', single = 'weights.bin',
         topology = artifacts.modelTopology} = layout;
  fs.mkdirSync(dir, {recursive: true});
  const specs = artifacts.weightSpecs || [];
  const data = Buffer.from(artifacts.weightData || new ArrayBuffer(0));
  // Split the specs into `groups` runs, each run's bytes into `shards` files.
  const manifest = [];
  let spec = 0, offset = 0;
  for (let g = 0; g < groups; ++g) {
    const take = g === groups - 1 ? specs.length - spec : Math.ceil((specs.length - spec) / (groups - g));
    const weights = specs.slice(spec, spec + take);
    spec += take;
    const bytes = weights.reduce((n, w) => n + 4 * w.shape.reduce((p, d) => p * d, 1), 0);
    const paths = [];
    let done = 0;
    for (let s = 0; s < shards; ++s) {
      const size = s === shards - 1 ? bytes - done : 4 * Math.floor(bytes / 4 / shards);
      const name = shards === 1 && groups === 1 ? single : `group${g + 1}-shard${s + 1}of${shards}.bin`;
      fs.writeFileSync(path.join(dir, name), data.subarray(offset + done, offset + done + size));
      paths.push(prefix + name);
      done += size;
    }
    offset += bytes;
    manifest.push({paths, weights});
  }
  const json = {
    format: 'layers-model',
    generatedBy: artifacts.generatedBy || 'TensorFlow.js tfjs-layers v4.22.0',
    convertedBy: artifacts.convertedBy || null,
    modelTopology: topology,
    weightsManifest: manifest,
  };
  if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
  return path.join(dir, 'model.json');
}

// tf.loadLayersModel through an IOHandler that reads model.json and the
// shards it names from disk (tfjs-node's file:// loader, without tfjs-node).
async function loadModelFile(file) {
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  const dir = path.dirname(file);
  const specs = [], buffers = [];
  for (const group of json.weightsManifest || []) {
    specs.push(...group.weights);
    for (const p of group.paths) buffers.push(fs.readFileSync(path.join(dir, p)));
  }
  const all = Buffer.concat(buffers);
  const handler = {
    load: async () => ({
      modelTopology: json.modelTopology,
      trainingConfig: json.trainingConfig,
      weightSpecs: specs,
      weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.length),
      format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy,
    }),
  };
  return tf.loadLayersModel(handler);
}

// A layer weight `w`'s values drawn from `r`, uniform in ±spread·√(3/fan_in)
// (fan_in: the product of all but the last dimension, 1 for a bias), so
// that activations keep about the input's scale through a model.
function fanInUniform(r, w, spread = 1) {
  // `w` may be a tensor or a LayerVariable, which has a shape but no size.
  const size = w.shape.reduce((a, b) => a * b, 1);
  const fanIn = w.shape.length > 1 ? w.shape.slice(0, -1).reduce((a, b) => a * b, 1) : 1;
  return tf.tensor(r.floats(size, -spread, spread).map(v => v * Math.sqrt(3 / fanIn)), w.shape);
}

// Every weight of every layer, nested models' layers included, drawn from
// `r`: fan-in scaled uniform, BatchNormalization's variances positive.
function randomizeWeights(model, r) {
  const leaves = (m) => m.layers.flatMap((l) => (l.layers ? leaves(l) : [l]));
  for (const layer of leaves(model)) {
    const values = layer.getWeights().map((w) => {
      if (w.name.includes('moving_variance'))
        return tf.tensor(r.floats(w.size, 0.5, 1.5), w.shape);
      return fanInUniform(r, w);
    });
    if (values.length) layer.setWeights(values);
  }
}

module.exports = {tf, rng, writeNpy, readNpy, maxAbsDiff, artifactsOf,
                  writeModelDir, loadModelFile, MinPooling2D, GlobalMinPooling2D,
                  fanInUniform, randomizeWeights};
