// Random Sequential models, built, weighted, saved and predicted by TF.js:
// the expected outputs cnnc's `predict` must reproduce (docs/keras-semantics.md).
//
// usage: tfjs_models.js OUT_DIR COUNT SEED
// Writes OUT_DIR/mK/{model.json, weight shards, topology.json (no weights),
// x.npy, expected.npy, layers.txt} for K = 0..COUNT-1 and prints how often
// each feature of the matrix occurs (the lit test checks that every one
// does). Deterministic: a seed names the same models on every machine.
'use strict';
const fs = require('fs');
const path = require('path');
const {tf, rng, writeNpy, artifactsOf, writeModelDir, loadModelFile, maxAbsDiff,
       MinPooling2D, GlobalMinPooling2D} = require('./tfjs.js');

const [outDir, count, seed] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
if (!outDir || !(count > 0) || !Number.isInteger(seed)) {
  console.error('usage: tfjs_models.js OUT_DIR COUNT SEED');
  process.exit(2);
}

// Every feature the matrix must reach, in the order the summary prints them.
const FEATURES = [
  'Conv2D padding=valid', 'Conv2D padding=same', 'Conv2D kernel 1x1', 'Conv2D kernel non-square',
  'Conv2D strides>1', 'Conv2D strides unequal', 'Conv2D dilation>1', 'Conv2D dilation unequal',
  'Conv2D dilation with padding=same', 'Conv2D strides with padding=same',
  'Conv2D activation=relu', 'Conv2D activation=sigmoid', 'Conv2D activation=tanh',
  'Conv2D activation=linear', 'Conv2D activation=softmax', 'Conv2D use_bias=false',
  'MaxPooling2D padding=valid', 'MaxPooling2D padding=same',
  'AveragePooling2D padding=valid', 'AveragePooling2D padding=same',
  'MinPooling2D padding=valid', 'MinPooling2D padding=same',
  'pooling strides=pool_size', 'pooling strides<pool_size', 'pooling strides>pool_size',
  'pooling strides=null', 'pooling non-square',
  'GlobalMaxPooling2D', 'GlobalAveragePooling2D', 'GlobalMinPooling2D', 'Flatten',
  'Dense activation=relu', 'Dense activation=sigmoid', 'Dense activation=tanh',
  'Dense activation=linear', 'Dense activation=softmax', 'Dense use_bias=false', 'Dense on rank 4',
  'Dropout', 'Activation relu', 'Activation sigmoid', 'Activation tanh', 'Activation linear',
  'Activation softmax', 'ReLU', 'Softmax rank 2', 'Softmax rank 4',
  'output rank 4', 'weights in 1 file', 'weights in 3 shards', 'weights in 2 groups',
  'paths with ./', 'converter topology (model_config, InputLayer)',
];
const counts = new Map(FEATURES.map(f => [f, 0]));
const note = (f) => {
  if (!counts.has(f)) throw new Error('feature not in the list: ' + f);
  counts.set(f, counts.get(f) + 1);
};

const ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'linear', 'softmax'];
// The matrix's discrete choices take their options in turn (one counter per
// choice), so that a couple of dozen models reach every one; sizes, counts
// and weights are random.
const turns = new Map();
function cycle(key, options) {
  const n = turns.get(key) || 0;
  turns.set(key, n + 1);
  return options[n % options.length];
}
const pair = (v) => (Array.isArray(v) ? v : [v, v]);
// docs/keras-semantics.md §1: the output size of one spatial dimension, 0 if invalid.
const outSize = (n, k, s, d, padding) =>
  padding === 'same' ? Math.ceil(n / s) : Math.max(0, Math.floor((n - d * (k - 1) - 1) / s) + 1);

// One spatial layer that fits `shape` ([H, W, C]), or null (try another).
function spatialLayer(r, shape, f) {
  const [h, w, c] = shape;
  const kind = cycle('spatial', ['conv', 'max', 'conv', 'avg', 'dropout', 'conv', 'min', 'relu', 'conv', 'activation', 'softmax']);
  if (kind === 'conv') {
    const kernel = pair(r.pick([1, 2, 3, 3, 5, [3, 2], [1, 3]]));
    // Keras refuses strides > 1 together with dilation > 1: one or the other.
    const mode = cycle('conv mode', ['plain', 'strided', 'dilated']);
    const padding = cycle(`conv padding ${mode}`, ['valid', 'same']);
    const strides = pair(mode === 'strided' ? cycle('conv strides', [2, [1, 2], 3, [2, 1]]) : 1);
    const dilation = pair(mode === 'dilated' ? cycle('conv dilation', [2, [2, 1], 3, [1, 2]]) : 1);
    // Mostly a few filters; sometimes as many as vector code takes in one go.
    const filters = r.chance(0.3) ? r.pick([8, 16, 33]) : r.int(1, 6);
    const activation = cycle('conv activation', ACTIVATIONS);
    const useBias = cycle('conv bias', [true, true, false]);
    const out = [outSize(h, kernel[0], strides[0], dilation[0], padding),
                 outSize(w, kernel[1], strides[1], dilation[1], padding), filters];
    if (!out[0] || !out[1]) return null;
    f.push(`Conv2D padding=${padding}`, `Conv2D activation=${activation}`);
    if (kernel.join() === '1,1') f.push('Conv2D kernel 1x1');
    if (kernel[0] !== kernel[1]) f.push('Conv2D kernel non-square');
    if (mode === 'strided') {
      f.push('Conv2D strides>1');
      if (strides[0] !== strides[1]) f.push('Conv2D strides unequal');
      if (padding === 'same') f.push('Conv2D strides with padding=same');
    }
    if (mode === 'dilated') {
      f.push('Conv2D dilation>1');
      if (dilation[0] !== dilation[1]) f.push('Conv2D dilation unequal');
      if (padding === 'same') f.push('Conv2D dilation with padding=same');
    }
    if (!useBias) f.push('Conv2D use_bias=false');
    const make = (extra) => tf.layers.conv2d({filters, kernelSize: kernel, strides, dilationRate: dilation,
                                              padding, activation, useBias, ...extra});
    return {make, out, text: `Conv2D(${filters}, ${kernel}, strides=${strides}, dilation=${dilation}, ${padding}, ${activation}${useBias ? '' : ', no bias'})`};
  }
  if (kind === 'max' || kind === 'avg' || kind === 'min') {
    const poolSize = pair(r.pick([2, 2, 3, [2, 3], [3, 1]]));
    const stridesChoice = cycle('pool strides', [null, 1, 2, 'pool', [1, 2], 3]);
    const strides = stridesChoice === null || stridesChoice === 'pool' ? poolSize : pair(stridesChoice);
    const padding = cycle(`${kind} padding`, ['valid', 'same']);
    const out = [outSize(h, poolSize[0], strides[0], 1, padding), outSize(w, poolSize[1], strides[1], 1, padding), c];
    if (!out[0] || !out[1]) return null;
    const name = {max: 'MaxPooling2D', avg: 'AveragePooling2D', min: 'MinPooling2D'}[kind];
    f.push(`${name} padding=${padding}`);
    if (stridesChoice === null) f.push('pooling strides=null');
    else if (strides.every((s, i) => s === poolSize[i])) f.push('pooling strides=pool_size');
    if (strides.some((s, i) => s < poolSize[i])) f.push('pooling strides<pool_size');
    if (strides.some((s, i) => s > poolSize[i])) f.push('pooling strides>pool_size');
    if (poolSize[0] !== poolSize[1]) f.push('pooling non-square');
    const args = {poolSize, strides: stridesChoice === null ? null : strides, padding};
    const make = (extra) => kind === 'max' ? tf.layers.maxPooling2d({...args, ...extra})
                          : kind === 'avg' ? tf.layers.averagePooling2d({...args, ...extra})
                          : new MinPooling2D({...args, ...extra});
    return {make, out, text: `${name}(${poolSize}, strides=${stridesChoice === null ? 'null' : strides}, ${padding})`,
            stridesNull: stridesChoice === null};
  }
  return elementwiseLayer(r, kind, shape, f);
}

// Layers that keep the shape, on any rank.
function elementwiseLayer(r, kind, shape, f) {
  if (kind === 'dropout') {
    const rate = Math.round(r.uniform(0.1, 0.6) * 100) / 100;
    f.push('Dropout');
    return {make: (e) => tf.layers.dropout({rate, ...e}), out: shape, text: `Dropout(${rate})`};
  }
  if (kind === 'activation') {
    const activation = cycle('activation layer', ACTIVATIONS);
    f.push(`Activation ${activation}`);
    return {make: (e) => tf.layers.activation({activation, ...e}), out: shape, text: `Activation(${activation})`};
  }
  if (kind === 'relu') {
    f.push('ReLU');
    return {make: (e) => tf.layers.reLU({...e}), out: shape, text: 'ReLU()'};
  }
  // TF.js can only take a softmax over the last axis; its Softmax layer's
  // default axis is 1 (the last one of a rank-2 tensor), Keras's -1.
  f.push(`Softmax rank ${shape.length + 1}`);
  const axis = shape.length === 1 ? cycle('softmax 2', [1, -1]) : cycle('softmax 4', [3, -1]);
  return {make: (e) => tf.layers.softmax({axis, ...e}), out: shape, text: `Softmax(axis=${axis})`};
}

function denseLayer(r, shape, f) {
  const units = r.chance(0.3) ? r.pick([16, 33]) : r.int(1, 8);
  const activation = cycle('dense activation', ACTIVATIONS);
  const useBias = cycle('dense bias', [true, true, true, false]);
  f.push(`Dense activation=${activation}`);
  if (!useBias) f.push('Dense use_bias=false');
  if (shape.length === 3) f.push('Dense on rank 4');
  return {make: (e) => tf.layers.dense({units, activation, useBias, ...e}), out: [...shape.slice(0, -1), units],
          text: `Dense(${units}, ${activation}${useBias ? '' : ', no bias'})`};
}

// A random model: 1-4 spatial layers on [H, W, C], then a head (Flatten or
// global pooling and Dense layers, Dense on rank 4, or nothing). A layer
// that does not fit the shape is drawn again.
function buildModel(r) {
  const input = [r.int(5, 20), r.int(5, 20), r.chance(0.2) ? 8 : r.int(1, 3)];
  const features = [], steps = [];
  let shape = input;
  const take = (make) => {
    for (;;) {
      const f = [];
      const step = make(f);
      if (step) { features.push(...f); steps.push(step); shape = step.out; return; }
    }
  };
  for (let n = r.int(1, 4); n > 0; --n) take((f) => spatialLayer(r, shape, f));
  const head = cycle('head', ['flatten', 'global', 'dense4', 'flatten', 'global', 'none']);
  if (head === 'flatten') {
    features.push('Flatten');
    steps.push({make: (e) => tf.layers.flatten(e), text: 'Flatten()'});
    shape = [shape.reduce((a, b) => a * b, 1)];
  } else if (head === 'global') {
    const kind = cycle('global', ['Max', 'Average', 'Min']);
    features.push(`Global${kind}Pooling2D`);
    const make = (e) => kind === 'Max' ? tf.layers.globalMaxPooling2d(e)
                      : kind === 'Average' ? tf.layers.globalAveragePooling2d(e) : new GlobalMinPooling2D(e);
    steps.push({make, text: `Global${kind}Pooling2D()`});
    shape = [shape[2]];
  } else if (head === 'dense4') {
    take((f) => denseLayer(r, shape, f));
  }
  // Then up to two Dense layers (on rank 4 too, when there is no flatten),
  // and maybe one shape-keeping layer after each.
  for (let n = head === 'none' ? 0 : r.int(head === 'dense4' ? 0 : 1, 2); n > 0; --n) {
    take((f) => denseLayer(r, shape, f));
    if (r.chance(0.4)) take((f) => elementwiseLayer(r, cycle('after dense', ['dropout', 'activation', 'relu', 'softmax']), shape, f));
  }
  if (head === 'none' && r.chance(0.5))
    take((f) => elementwiseLayer(r, cycle('after none', ['activation', 'softmax']), shape, f));
  if (shape.length === 3) features.push('output rank 4');
  return {input, steps, features};
}

// Random weights and biases, scaled so that every layer's outputs stay O(1)
// (a sum of fan_in terms of U(-a, a), a = sqrt(3 / fan_in)), biases non-zero.
function randomizeWeights(r, model) {
  for (const layer of model.layers) {
    const values = layer.getWeights().map((w) => {
      const fanIn = w.shape.length > 1 ? w.shape.slice(0, -1).reduce((a, b) => a * b, 1) : 0;
      const n = w.size;
      const data = fanIn ? r.floats(n, -1, 1).map(v => v * Math.sqrt(3 / fanIn)) : r.floats(n, -0.5, 0.5);
      return tf.tensor(data, w.shape);
    });
    if (values.length) layer.setWeights(values);
  }
}

// The converter's form of the topology: {model_config, keras_version,
// backend}, with an InputLayer first as tf.keras's to_json() writes it.
function converterTopology(topology, inputShape) {
  const config = JSON.parse(JSON.stringify(topology.config));
  const first = config.layers[0].config;
  delete first.batch_input_shape;
  config.layers.unshift({class_name: 'InputLayer', config: {
    batch_input_shape: [null, ...inputShape], dtype: 'float32', sparse: false, name: 'input_1'}});
  return {keras_version: topology.keras_version, backend: topology.backend,
          model_config: {class_name: topology.class_name, config}};
}

async function main() {
  const r = rng(seed);
  const batch = 3;
  for (let k = 0; k < count; ++k) {
    const {input, steps, features} = buildModel(r);
    // The first layer carries the input shape (batch_input_shape in JSON).
    const model = tf.sequential();
    steps.forEach((step, i) => model.add(step.make(i ? {} : {inputShape: input})));
    randomizeWeights(r, model);

    const x = tf.tensor(r.floats(batch * input.reduce((a, b) => a * b, 1), 0, 1), [batch, ...input]);
    const y = model.predict(x);

    // File layouts vary with k: './' paths, 3 shards, 2 groups, the
    // converter's topology form.
    const layout = {prefix: k % 3 === 1 ? './' : '', shards: k % 4 === 2 ? 3 : 1,
                    groups: k % 5 === 3 ? 2 : 1, single: k % 2 ? 'weights.bin' : 'group1-shard1of1.bin'};
    const weightCount = model.getWeights().length;
    if (layout.groups > weightCount) layout.groups = Math.max(1, weightCount);
    const artifacts = await artifactsOf(model);
    if (k % 4 === 3) {
      layout.topology = converterTopology(artifacts.modelTopology, input);
      features.push('converter topology (model_config, InputLayer)');
    }
    // A pooling layer built with strides null writes its pool size; write
    // null back, as a hand-made Keras file may.
    const topo = layout.topology ? layout.topology.model_config : artifacts.modelTopology;
    steps.forEach((step, i) => {
      if (step.stridesNull) topo.config.layers[i + (layout.topology ? 1 : 0)].config.strides = null;
    });
    if (weightCount) {
      features.push(layout.groups > 1 ? 'weights in 2 groups' : layout.shards > 1 ? 'weights in 3 shards' : 'weights in 1 file');
      if (layout.prefix) features.push('paths with ./');
    }
    const dir = path.join(outDir, `m${k}`);
    const file = writeModelDir(dir, artifacts, layout);
    // The topology alone, as Keras's to_json() would hold it, for --weights.
    fs.writeFileSync(path.join(dir, 'topology.json'), JSON.stringify(artifacts.modelTopology));
    writeNpy(path.join(dir, 'x.npy'), x.shape, x.dataSync());
    writeNpy(path.join(dir, 'expected.npy'), y.shape, y.dataSync());
    const text = `input ${input} | ` + steps.map(s => s.text).join(' | ');
    fs.writeFileSync(path.join(dir, 'layers.txt'), text + '\n');

    // The files must say what the model is: TF.js loads them back and
    // predicts the same numbers exactly.
    const reloaded = await loadModelFile(file);
    const again = reloaded.predict(x);
    const diff = maxAbsDiff({shape: y.shape, data: y.dataSync()}, {shape: again.shape, data: again.dataSync()});
    if (diff !== 0) throw new Error(`m${k}: TF.js does not reload its own files (diff ${diff})`);
    for (const feature of new Set(features)) note(feature);
  }
  console.log(`${count} models, seed ${seed}; models per feature:`);
  for (const [feature, n] of counts) console.log(`  ${feature}: ${n}`);
  const missing = FEATURES.filter(f => counts.get(f) === 0);
  console.log(`missing features: ${missing.length ? missing.join(', ') : 'none'}`);
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
