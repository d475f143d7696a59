// TensorFlow's gradients, in TF.js, where TF.js 4.22's differ from them at
// ties and at the kinks of piecewise-linear functions. Keras (tf.keras 2.x,
// Keras 3 on TensorFlow) trains with TensorFlow's, and so does cnnc; on
// MNIST, whose background is exactly 0, those points are common (a
// convolution without bias gives exactly 0 there, a global max pooling
// sees a constant background tie, a clamp saturates to exactly its bound).
// useKerasGradients() registers, for the rest of the process:
// - AvgPool: TF.js's gradient of a 'same' average pooling is wrong at the
//   border (below); TensorFlow's matches the forward pass.
// - Max and Min (reductions: GlobalMaxPooling2D): TensorFlow's
//   _MinOrMaxGrad divides the gradient evenly among the tied extremes;
//   TF.js gives each of them all of it.
// - Selu: TensorFlow's SeluGrad is `scale` at 0 (`y < 0 ? ... : scale`);
//   TF.js's is `scale * alpha` there (`x > 0 ? scale : ...`).
// - Prelu: Keras's PReLU is relu(x) - alpha * relu(-x), whose input
//   gradient is 0 at 0 (both relus' gradients are); TF.js's Prelu kernel
//   gives alpha.
// - Relu6: TensorFlow's Relu6Grad is 0 at 6 (`0 < x < 6`); TF.js's passes.
// and makes ReLU(max_value=6) layers compute relu6, as Keras's relu does
// (keras/src/activations/activations.py: `max_value == 6` takes
// `nn.relu6`, any other max_value a clip whose gradient passes at the
// bound); TF.js's ReLU layer always clips.
// The losses are another matter (tfjs_fit_random.js).
'use strict';
const {tf} = require('./tfjs.js');

const SELU_SCALE = 1.0507009873554804934193349852946;
const SELU_SCALE_ALPHA = 1.7580993408473768599402175208123;

// The gradient of a Max or Min reduction over `axes`, TensorFlow's way.
function reductionGrad(dy, x, y, axes) {
  const kept = x.shape.map((n, i) => (axes.includes(i) ? 1 : n));
  const chosen = tf.cast(tf.equal(x, y.reshape(kept)), 'float32');
  const count = tf.sum(chosen, axes, /*keepDims=*/true);
  return tf.mul(tf.div(chosen, count), dy.reshape(kept));
}

// TF.js's AvgPoolGrad divides every window's gradient by the window's
// size, where its forward pass (and TensorFlow's both ways: AvgPoolingGradOp's
// divide_coeff is 1 / (rsize * csize), the cells inside the input) divided
// by the cells inside the input: a 'same' window over the border gets too
// little. Its gradient, given dy scaled by size / count, is TensorFlow's.
function avgPoolGrad(tfjsGrad) {
  return (dy, saved, attrs) => {
    const [x] = saved;
    const info = tf.backend_util.computePool2DInfo(x.shape, attrs.filterSize, attrs.strides, 1,
                                                   attrs.pad, attrs.dimRoundingMode);
    const inside = (out, stride, before, window, size) => {
      const start = out * stride - before;
      return Math.min(size, start + window) - Math.max(0, start);
    };
    const window = info.filterHeight * info.filterWidth;
    const scale = new Float32Array(info.outHeight * info.outWidth);
    for (let r = 0; r < info.outHeight; ++r)
      for (let c = 0; c < info.outWidth; ++c)
        scale[r * info.outWidth + c] =
            window / (inside(r, info.strideHeight, info.padInfo.top, info.filterHeight, info.inHeight) *
                      inside(c, info.strideWidth, info.padInfo.left, info.filterWidth, info.inWidth));
    const scaled = tf.mul(dy, tf.tensor4d(scale, [1, info.outHeight, info.outWidth, 1]));
    return tfjsGrad(scaled, saved, attrs);
  };
}

function useKerasGradients() {
  tf.registerGradient({kernelName: 'AvgPool', inputsToSave: ['x'],
                       gradFunc: avgPoolGrad(tf.getGradient('AvgPool').gradFunc)});
  for (const kernelName of ['Max', 'Min']) {
    tf.registerGradient({
      kernelName,
      inputsToSave: ['x'],
      outputsToSave: [true],
      gradFunc: (dy, [x, y], attrs) => {
        const axes = tf.util.parseAxisParam(kernelName === 'Max' ? attrs.reductionIndices : attrs.axis,
                                            x.shape);
        return {x: () => reductionGrad(dy, x, y, axes)};
      },
    });
  }
  tf.registerGradient({
    kernelName: 'Selu',
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({
      x: () => tf.where(tf.less(x, 0), tf.mul(dy, tf.mul(SELU_SCALE_ALPHA, tf.exp(x))),
                        tf.mul(dy, SELU_SCALE)),
    }),
  });
  tf.registerGradient({
    kernelName: 'Prelu',
    inputsToSave: ['x', 'alpha'],
    gradFunc: (dy, [x, alpha]) => ({
      x: () => tf.add(tf.mul(dy, tf.cast(tf.greater(x, 0), 'float32')),
                      tf.mul(tf.mul(dy, alpha), tf.cast(tf.less(x, 0), 'float32'))),
      alpha: () => {
        const g = tf.mul(dy, tf.minimum(x, 0));
        const axes = tf.backend_util.getReductionAxes(alpha.shape, g.shape);
        return (axes.length ? tf.sum(g, axes) : g).reshape(alpha.shape);
      },
    }),
  });
  tf.registerGradient({
    kernelName: 'Relu6',
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({
      x: () => tf.mul(dy, tf.cast(tf.logicalAnd(tf.greater(x, 0), tf.less(x, 6)), 'float32')),
    }),
  });
  const ReLU = tf.layers.reLU({}).constructor;
  const clipping = ReLU.prototype.call;
  ReLU.prototype.call = function(inputs, kwargs) {
    if (this.maxValue !== 6) return clipping.call(this, inputs, kwargs);
    return tf.relu6(Array.isArray(inputs) ? inputs[0] : inputs);
  };
}

module.exports = {useKerasGradients};
