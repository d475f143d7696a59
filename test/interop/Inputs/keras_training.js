// Keras's training rules written in TF.js, for the scripts that train a
// model against cnnc's trainer (tfjs_train.js, tfjs_train_batch_norm.js):
// the optimizers' update rules as Keras writes them, and seeded
// Glorot-uniform weights.
'use strict';
const {tf} = require('./tfjs.js');

// Glorot-uniform for a kernel `w` (fans from its last two dimensions and
// its receptive field), small non-zero values for a bias, drawn from `r`.
function glorotOrSmall(r, w) {
  if (w.shape.length === 1) return tf.tensor(r.floats(w.size, -0.01, 0.01), w.shape);
  const rf = w.shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const limit = Math.sqrt(6 / (w.shape.at(-2) * rf + w.shape.at(-1) * rf));
  return tf.tensor(r.floats(w.size, -limit, limit), w.shape);
}

// Keras's update rules (keras/src/optimizers/{adam,sgd,rmsprop}.py): a
// function that applies one step to every variable, given its gradient by
// variable name. `h` holds the hyperparameters (lr, beta1, beta2, eps,
// momentum, rho).
function kerasOptimizer(name, h) {
  const slots = new Map();
  const slot = (v, k) => {
    const key = v.name + '/' + k;
    if (!slots.has(key)) slots.set(key, tf.variable(tf.zerosLike(v), false));
    return slots.get(key);
  };
  let iterations = 0;
  return (vars, grads) => {
    const t = ++iterations;
    tf.tidy(() => {
      for (const v of vars) {
        const g = grads[v.name];
        if (name === 'adam') {
          const m = slot(v, 'm'), s = slot(v, 'v');
          // As Keras: the step size from float32 powers of float32 betas;
          // the moment factors 1 - beta in double, then float32.
          const f = Math.fround;
          const alpha = f(f(f(h.lr) * f(Math.sqrt(f(1 - f(f(h.beta2) ** t))))) / f(1 - f(f(h.beta1) ** t)));
          m.assign(m.add(g.sub(m).mul(1 - h.beta1)));
          s.assign(s.add(g.square().sub(s).mul(1 - h.beta2)));
          v.assign(v.sub(m.mul(alpha).div(s.sqrt().add(h.eps))));
        } else if (name === 'sgd') {
          const m = slot(v, 'momentum');
          m.assign(m.mul(h.momentum).sub(g.mul(h.lr)));
          v.assign(v.add(m));
        } else if (name === 'rmsprop') {
          const ms = slot(v, 'rms');
          ms.assign(ms.mul(h.rho).add(g.square().mul(1 - h.rho)));
          v.assign(v.sub(g.mul(h.lr).div(ms.add(h.eps).sqrt())));
        } else {
          throw new Error(`no Keras rule for optimizer '${name}'`);
        }
      }
    });
  };
}

module.exports = {glorotOrSmall, kerasOptimizer};
