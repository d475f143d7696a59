// Writes COUNT random TF.js models, in each_model.js's layout, for a
// differential test of cnnc against TF.js (a Keras implementation): the
// layers, configurations and graph shapes people combine, drawn at random
// rather than chosen, so that combinations nobody wrote a test for are
// checked too. Each model is Sequential or Functional (branches joined by a
// merge layer), 2 to 9 layers on a small input, with random weights (batch
// normalization's moving statistics included) and inputs in [-1, 1);
// TF.js's prediction is DIR/mK/expected.npy, and DIR/mK/layers.txt says
// what the model is (with the seed that rebuilds it).
//
// Only what cnnc reads is drawn, so a refusal is a failure too. Left out on
// purpose: what TF.js 4.22 computes differently from Keras (a dilated
// DepthwiseConv2D, whose dilation it ignores; bilinear UpSampling2D, without
// Keras's half-pixel centres) and hard_sigmoid, whose definition depends on
// the Keras version a file names.
//
// usage: tfjs_random_models.js DIR SEED COUNT
//   Model K is drawn from the seed SEED * 100003 + K alone, so a failing
//   model is rebuilt with the same SEED and any COUNT above K.
'use strict';
const fs = require('fs');
const path = require('path');
const {tf, rng, writeNpy, artifactsOf, writeModelDir, fanInUniform} = require('./tfjs.js');

const L = tf.layers;
const ACTIVATIONS = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'elu', 'selu',
                     'softplus', 'softsign', 'swish', 'mish', 'softmax'];
// Largest activation tensor (elements per image) a model may make: keeps
// each model's compile and TF.js run well under a second.
const MAX_ELEMENTS = 4096;

const elements = (shape) => shape.reduce((a, b) => a * b, 1);
const isImage = (shape) => shape.length === 3;

// A convolution-like layer's output size along one dimension, as Keras
// computes it (conv_utils.conv_output_length), or 0 when it has none.
function convLength(size, kernel, stride, padding, dilation = 1) {
  const span = (kernel - 1) * dilation + 1;
  const out = padding === 'same' ? Math.ceil(size / stride)
                                 : Math.floor((size - span) / stride) + 1;
  return out > 0 ? out : 0;
}

// One random layer for a tensor of `shape`: [description, layer, output
// shape], or null when the draw does not fit the shape (the caller draws
// again). `keep` asks for a layer that keeps the shape (a branch that is
// merged by an element-wise layer).
function drawLayer(r, shape, keep, training) {
  // In training: no random layers (TF.js draws its own masks), no
  // UpSampling2D (TF.js 4.22's gradient of it is wrong for batches) and no
  // ThresholdedReLU (TF.js 4.22 has no gradient for it: "gradient function
  // not found for Greater").
  const drawable = (kinds) => training
      ? kinds.filter(k => !['dropout', 'noise', 'upsample', 'alphadropout',
                             'thresholdedrelu'].includes(k)) : kinds;
  const act = () => r.pick(ACTIVATIONS);
  if (!isImage(shape)) {
    const [d] = shape;
    const kinds = keep ? ['activation', 'leakyrelu', 'elu', 'relu', 'bn', 'dropout', 'dense-same',
                          'layernorm', 'thresholdedrelu', 'alphadropout']
                       : ['dense', 'dense', 'activation', 'bn', 'dropout', 'reshape', 'leakyrelu', 'prelu',
                          'layernorm', 'thresholdedrelu', 'alphadropout'];
    switch (r.pick(drawable(kinds))) {
      case 'dense': case 'dense-same': {
        const units = keep ? d : r.int(1, 16);
        const config = {units, activation: act(), useBias: r.chance(0.8)};
        return [`Dense(${units}, ${config.activation}${config.useBias ? '' : ', no bias'})`,
                L.dense(config), [units]];
      }
      case 'activation': {
        const a = act();
        return [`Activation(${a})`, L.activation({activation: a}), shape];
      }
      case 'leakyrelu': {
        const alpha = r.pick([0.01, 0.1, 0.3]);
        return [`LeakyReLU(${alpha})`, L.leakyReLU({alpha}), shape];
      }
      case 'elu': return ['ELU', L.elu({}), shape];
      case 'relu': {
        const maxValue = r.pick([undefined, 1, 6]);
        return [`ReLU(max ${maxValue})`, L.reLU(maxValue === undefined ? {} : {maxValue}), shape];
      }
      case 'prelu': return ['PReLU', L.prelu({}), shape];
      case 'bn': return bnLayer(r, shape, training);
      case 'layernorm': return layerNormLayer(r, shape, false, training);
      case 'thresholdedrelu': return thresholdedReluLayer(r, shape);
      case 'alphadropout': return ['AlphaDropout(0.2)', L.alphaDropout({rate: 0.2}), shape];
      case 'dropout': return ['Dropout(0.3)', L.dropout({rate: 0.3}), shape];
      case 'reshape': {
        // (d) -> (h, w, c) with h * w * c = d.
        const divisors = [];
        for (let h = 1; h <= d; ++h) if (d % h === 0) divisors.push(h);
        const h = r.pick(divisors), rest = d / h;
        const ws = divisors.filter(w => rest % w === 0);
        const w = r.pick(ws), c = rest / w;
        return [`Reshape((${h}, ${w}, ${c}))`, L.reshape({targetShape: [h, w, c]}), [h, w, c]];
      }
    }
  }
  const [h, w, c] = shape;
  const kinds = keep
      ? ['conv-same', 'conv-same', 'depthwise-same', 'bn', 'activation', 'leakyrelu', 'prelu', 'relu',
         'pool-same', 'dropout', 'noise', 'layernorm', 'thresholdedrelu', 'alphadropout']
      : ['conv', 'conv', 'conv', 'depthwise', 'separable', 'transpose', 'maxpool', 'avgpool',
         'global', 'flatten', 'bn', 'activation', 'zeropad', 'crop', 'upsample', 'leakyrelu',
         'prelu', 'relu', 'elu', 'softmax', 'dropout', 'noise', 'layernorm', 'permute',
         'thresholdedrelu', 'alphadropout'];
  const kind = r.pick(drawable(kinds));
  const padding = r.pick(['same', 'valid']);
  const kernel = () => [r.int(1, 4), r.int(1, 4)];
  switch (kind) {
    case 'conv': case 'conv-same': {
      const filters = kind === 'conv-same' ? c : r.int(1, 12);
      const k = kernel();
      const pad = kind === 'conv-same' ? 'same' : padding;
      // Keras refuses strides and dilation both above 1. TF.js 4.22 has no
      // gradient for a dilated convolution: none in training (the draw
      // stays, so that the other models are the same).
      const dilated = kind === 'conv' && r.chance(0.2) && !training;
      const strides = kind === 'conv-same' || dilated ? [1, 1] : [r.int(1, 3), r.int(1, 3)];
      const dilation = dilated ? [r.int(1, 2), r.int(1, 2)] : [1, 1];
      const out = [convLength(h, k[0], strides[0], pad, dilation[0]),
                   convLength(w, k[1], strides[1], pad, dilation[1]), filters];
      if (!out[0] || !out[1]) return null;
      const config = {filters, kernelSize: k, strides, padding: pad, dilationRate: dilation,
                      activation: act(), useBias: r.chance(0.8)};
      return [`Conv2D(${filters}, ${k}, strides ${strides}, ${pad}, dilation ${dilation}, ` +
              `${config.activation}${config.useBias ? '' : ', no bias'})`, L.conv2d(config), out];
    }
    case 'depthwise': case 'depthwise-same': {
      const multiplier = kind === 'depthwise-same' ? 1 : r.int(1, 3);
      const k = kernel();
      const pad = kind === 'depthwise-same' ? 'same' : padding;
      const strides = kind === 'depthwise-same' ? [1, 1] : [r.int(1, 2), r.int(1, 2)];
      const out = [convLength(h, k[0], strides[0], pad), convLength(w, k[1], strides[1], pad),
                   c * multiplier];
      if (!out[0] || !out[1]) return null;
      const config = {kernelSize: k, depthMultiplier: multiplier, strides, padding: pad,
                      activation: act(), useBias: r.chance(0.8)};
      return [`DepthwiseConv2D(${k}, x${multiplier}, strides ${strides}, ${pad}, ${config.activation})`,
              L.depthwiseConv2d(config), out];
    }
    case 'separable': {
      const filters = r.int(1, 8);
      const k = kernel();
      const strides = [r.int(1, 2), r.int(1, 2)];
      const out = [convLength(h, k[0], strides[0], padding), convLength(w, k[1], strides[1], padding),
                   filters];
      if (!out[0] || !out[1]) return null;
      // depthMultiplier 1: TF.js 4.22 leaves it out of the config it saves.
      const config = {filters, kernelSize: k, strides, padding, activation: act(),
                      useBias: r.chance(0.8)};
      return [`SeparableConv2D(${filters}, ${k}, strides ${strides}, ${padding}, ${config.activation})`,
              L.separableConv2d(config), out];
    }
    case 'transpose': {
      const filters = r.int(1, 6);
      const k = kernel();
      const strides = [r.int(1, 3), r.int(1, 3)];
      // Keras's deconv_output_length without output_padding.
      const length = (n, kk, s) => padding === 'same' ? n * s : n * s + Math.max(kk - s, 0);
      const out = [length(h, k[0], strides[0]), length(w, k[1], strides[1]), filters];
      const config = {filters, kernelSize: k, strides, padding, activation: act(),
                      useBias: r.chance(0.8)};
      return [`Conv2DTranspose(${filters}, ${k}, strides ${strides}, ${padding}, ${config.activation})`,
              L.conv2dTranspose(config), out];
    }
    case 'maxpool': case 'avgpool': case 'pool-same': {
      const pool = [r.int(1, 3), r.int(1, 3)];
      const same = kind === 'pool-same';
      const strides = same ? [1, 1] : r.chance(0.5) ? null : [r.int(1, 3), r.int(1, 3)];
      const s = strides || pool;
      const pad = same ? 'same' : padding;
      const out = [convLength(h, pool[0], s[0], pad), convLength(w, pool[1], s[1], pad), c];
      if (!out[0] || !out[1]) return null;
      const max = kind === 'maxpool' || (same && r.chance(0.5));
      const config = {poolSize: pool, padding: pad};
      if (strides) config.strides = strides;
      return [`${max ? 'Max' : 'Average'}Pooling2D(${pool}, strides ${strides}, ${pad})`,
              max ? L.maxPooling2d(config) : L.averagePooling2d(config), out];
    }
    case 'global': {
      const max = r.chance(0.5);
      return [`Global${max ? 'Max' : 'Average'}Pooling2D`,
              max ? L.globalMaxPooling2d({}) : L.globalAveragePooling2d({}), [c]];
    }
    case 'flatten': return ['Flatten', L.flatten(), [h * w * c]];
    case 'bn': return bnLayer(r, shape, training);
    case 'layernorm': return layerNormLayer(r, shape, true, training);
    case 'thresholdedrelu': return thresholdedReluLayer(r, shape);
    case 'alphadropout': return ['AlphaDropout(0.5)', L.alphaDropout({rate: 0.5}), shape];
    case 'permute': {
      const dims = r.pick([[2, 1, 3], [3, 1, 2], [1, 3, 2], [3, 2, 1], [2, 3, 1]]);
      return [`Permute(${dims})`, L.permute({dims}), dims.map(d => shape[d - 1])];
    }
    case 'activation': {
      const a = act();
      return [`Activation(${a})`, L.activation({activation: a}), shape];
    }
    case 'zeropad': {
      const p = [[r.int(0, 2), r.int(0, 2)], [r.int(0, 2), r.int(0, 2)]];
      return [`ZeroPadding2D(${JSON.stringify(p)})`, L.zeroPadding2d({padding: p}),
              [h + p[0][0] + p[0][1], w + p[1][0] + p[1][1], c]];
    }
    case 'crop': {
      const p = [[r.int(0, 2), r.int(0, 2)], [r.int(0, 2), r.int(0, 2)]];
      const out = [h - p[0][0] - p[0][1], w - p[1][0] - p[1][1], c];
      if (out[0] < 1 || out[1] < 1) return null;
      return [`Cropping2D(${JSON.stringify(p)})`, L.cropping2D({cropping: p}), out];
    }
    case 'upsample': {
      const size = [r.int(1, 3), r.int(1, 3)];
      return [`UpSampling2D(${size})`, L.upSampling2d({size}), [h * size[0], w * size[1], c]];
    }
    case 'leakyrelu': {
      const alpha = r.pick([0.01, 0.2]);
      return [`LeakyReLU(${alpha})`, L.leakyReLU({alpha}), shape];
    }
    case 'prelu': {
      // Keras's usual shared_axes for images: one alpha per channel.
      const shared = r.chance(0.5);
      return [`PReLU(${shared ? 'shared [1, 2]' : 'per element'})`,
              L.prelu(shared ? {sharedAxes: [1, 2]} : {}), shape];
    }
    case 'relu': {
      const maxValue = r.pick([undefined, 0.5, 6]);
      return [`ReLU(max ${maxValue})`, L.reLU(maxValue === undefined ? {} : {maxValue}), shape];
    }
    case 'elu': return ['ELU', L.elu({}), shape];  // TF.js takes no other alpha
    case 'softmax': return ['Softmax(-1)', L.softmax({axis: -1}), shape];
    case 'dropout': return ['Dropout(0.5)', L.dropout({rate: 0.5}), shape];
    case 'noise': {
      const gaussian = r.chance(0.5);
      return gaussian ? ['GaussianNoise(0.2)', L.gaussianNoise({stddev: 0.2}), shape]
                      : ['GaussianDropout(0.2)', L.gaussianDropout({rate: 0.2}), shape];
    }
  }
  throw new Error(`no layer kind ${kind}`);
}

// In training always with beta and gamma: TF.js 4.22's BatchNormalization
// cannot train without them.
function bnLayer(r, shape, training) {
  const config = {epsilon: r.pick([1e-3, 1e-5, 0.1]), center: r.chance(0.8), scale: r.chance(0.8)};
  if (training) config.center = config.scale = true;
  return [`BatchNormalization(eps ${config.epsilon}${config.center ? '' : ', no beta'}` +
          `${config.scale ? '' : ', no gamma'})`, L.batchNormalization(config), shape];
}

// LayerNormalization over the last axis, or for an image over every axis
// after the batch or the last two (the trailing axes cnnc takes). In
// training always with beta and gamma: TF.js 4.22 cannot train it without
// them, as BatchNormalization.
function layerNormLayer(r, shape, image, training) {
  const axis = image ? r.pick([-1, -1, [1, 2, 3], [2, 3]]) : -1;
  const config = {axis, epsilon: r.pick([1e-3, 1e-5, 0.1]), center: r.chance(0.8),
                  scale: r.chance(0.8)};
  if (training) config.center = config.scale = true;
  return [`LayerNormalization(axis ${JSON.stringify(axis)}, eps ${config.epsilon}` +
          `${config.center ? '' : ', no beta'}${config.scale ? '' : ', no gamma'})`,
          L.layerNormalization(config), shape];
}

function thresholdedReluLayer(r, shape) {
  const theta = r.pick([0, 0.3, 1]);
  return [`ThresholdedReLU(${theta})`, L.thresholdedReLU({theta}), shape];
}

// A layer that fits `shape` (and keeps it when `keep`), drawn until one does.
// A kept shape is the one it is, MAX_ELEMENTS or not: a Concatenate may
// have made it larger (28x28x6 in training seed 14's model 4, which looped
// here for ever).
function fittingLayer(r, shape, keep, training) {
  for (;;) {
    const drawn = drawLayer(r, shape, keep, training);
    if (!drawn) continue;
    const [, , out] = drawn;
    if (out.every(n => n >= 1) && (keep || elements(out) <= MAX_ELEMENTS) &&
        (!keep || out.join() === shape.join()))
      return drawn;
  }
}

// One model's layers. A chain (`functional` false) returns its layers for a
// Sequential model; a Functional model applies them to `input`, now and
// then forking the running tensor into two branches that a merge layer
// joins. Returns [output tensor or null, layers, description, shape].
function drawGraph(r, input, shape, functional, training = false) {
  const described = [], layers = [];
  let x = input;
  const layerCount = r.int(2, 9);
  for (let i = 0; i < layerCount; ++i) {
    if (functional && r.chance(0.3)) {
      const merge = r.pick(['add', 'multiply', 'average', 'maximum', 'minimum',
                            'concatenate']);
      // Element-wise merges need equal shapes: both branches keep it (one
      // may be the fork itself, a residual connection). Concatenate joins
      // along the last axis: branches may change it but not the others.
      const branch = () => {
        let y = x, s = shape;
        const n = r.int(0, 2);
        const names = [];
        for (let j = 0; j < n; ++j) {
          let drawn;
          if (merge === 'concatenate' && isImage(s) && r.chance(0.5)) {
            const filters = r.int(1, 6);
            drawn = [`Conv2D(${filters}, 3, same)`,
                     L.conv2d({filters, kernelSize: 3, padding: 'same'}), [s[0], s[1], filters]];
          } else {
            drawn = fittingLayer(r, s, true, training);
          }
          names.push(drawn[0]);
          y = drawn[1].apply(y);
          s = drawn[2];
        }
        return [y, s, names.length ? names.join(' -> ') : 'identity'];
      };
      const [a, sa, da] = branch();
      const [b, sb, db] = branch();
      if (a === b) continue;  // both identities: nothing to merge
      const layer = merge === 'concatenate' ? L.concatenate({axis: -1}) : L[merge]({});
      x = layer.apply([a, b]);
      shape = merge === 'concatenate' ? [...sa.slice(0, -1), sa[sa.length - 1] + sb[sb.length - 1]] : sa;
      described.push(`${merge}[${da} | ${db}]`);
      continue;
    }
    const [text, layer, out] = fittingLayer(r, shape, false, training);
    if (functional) x = layer.apply(x);
    layers.push(layer);
    shape = out;
    described.push(text);
  }
  return [functional ? x : null, layers, described, shape];
}

// Weights drawn from `r`: kernels fan-in scaled, batch normalization's
// statistics around Keras's defaults with a positive variance, PReLU's
// alphas in [0, 0.5).
function setRandomWeights(r, model) {
  for (const layer of model.layers) {
    const weights = layer.weights;
    if (!weights.length) continue;
    layer.setWeights(weights.map((w) => {
      const name = w.name;
      const size = w.shape.reduce((a, b) => a * b, 1);
      if (/moving_variance/.test(name)) return tf.tensor(r.floats(size, 0.5, 1.5), w.shape);
      if (/gamma/.test(name)) return tf.tensor(r.floats(size, 0.5, 1.5), w.shape);
      if (/beta|moving_mean/.test(name)) return tf.tensor(r.floats(size, -0.5, 0.5), w.shape);
      if (/alpha/.test(name)) return tf.tensor(r.floats(size, 0, 0.5), w.shape);
      return fanInUniform(r, w);
    }));
  }
}

async function main() {
  const [outDir, seedText, countText] = process.argv.slice(2);
  if (!outDir || !seedText || !countText) {
    console.error('usage: tfjs_random_models.js DIR SEED COUNT');
    process.exit(2);
  }
  const seed = Number(seedText), count = Number(countText);
  for (let k = 0; k < count; ++k) {
    const r = rng(seed * 100003 + k);
    const functional = r.chance(0.5);
    const shape = [r.int(1, 12), r.int(1, 12), r.int(1, 4)];
    const input = tf.input({shape});
    const [output, layers, described, outShape] = drawGraph(r, input, shape, functional);
    let model;
    if (functional) {
      model = tf.model({inputs: input, outputs: output});
    } else {
      model = tf.sequential();
      model.add(L.inputLayer({inputShape: shape}));
      for (const layer of layers) model.add(layer);
    }
    // The shapes drawn above are Keras's rules as this file states them.
    if (model.outputs[0].shape.slice(1).join() !== outShape.join())
      throw new Error(`model ${k}: TF.js's output shape (${model.outputs[0].shape}) is not (${outShape})`);
    setRandomWeights(r, model);
    const batch = r.int(1, 3);
    const x = tf.tensor(r.floats(batch * elements(shape), -1, 1), [batch, ...shape]);
    const y = model.predict(x);
    const dir = path.join(outDir, `m${k}`);
    writeModelDir(dir, await artifactsOf(model));
    writeNpy(path.join(dir, 'x.npy'), x.shape, x.dataSync());
    writeNpy(path.join(dir, 'expected.npy'), y.shape, y.dataSync());
    fs.writeFileSync(path.join(dir, 'layers.txt'),
                     `seed ${seed} model ${k}, ${functional ? 'Functional' : 'Sequential'}, ` +
                     `input (${shape}): ${described.join(', ')}\n`);
  }
  console.log(`${count} models`);
}

if (require.main === module)
  main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });

module.exports = {drawGraph, setRandomWeights};
