//===- ActivationMath.cpp - cnn.activation's functions, one element each --===//
//
// Each function as Keras (tf.keras 2.x and Keras 3, keras/src/activations)
// computes it, and its derivative as TensorFlow's gradients do. exp, expm1,
// log1p, tanh and erf are built tagged for MLIR's polynomial
// approximations (MathApproximation.cpp), so that the loops they sit in
// vectorize instead of calling libm per element.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/CnnToLinalg/Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;
using namespace mlir::cnn;
using namespace cnnc;
using namespace cnnc::lowering;

namespace {

// Keras's selu constants (keras/src/activations/activations.py).
constexpr double kSeluAlpha = 1.67326324235437728481;
constexpr double kSeluScale = 1.05070098735548049342;
// sqrt(2 / pi) and the cubic coefficient of gelu's tanh form.
constexpr double kGeluTanhScale = 0.79788456080286535588;
constexpr double kGeluTanhCubic = 0.044715;

/// A small expression builder over f32 scalars.
struct Math {
  OpBuilder &b;
  Location loc;

  Value c(double v) { return constantF32(b, loc, v); }
  Value add(Value x, Value y) { return b.create<arith::AddFOp>(loc, x, y); }
  Value sub(Value x, Value y) { return b.create<arith::SubFOp>(loc, x, y); }
  Value mul(Value x, Value y) { return b.create<arith::MulFOp>(loc, x, y); }
  Value div(Value x, Value y) { return b.create<arith::DivFOp>(loc, x, y); }
  Value neg(Value x) { return b.create<arith::NegFOp>(loc, x); }
  Value abs(Value x) { return b.create<math::AbsFOp>(loc, x); }
  // NaN-propagating, unlike maxnumf / minnumf.
  Value max(Value x, Value y) { return b.create<arith::MaximumFOp>(loc, x, y); }
  Value min(Value x, Value y) { return b.create<arith::MinimumFOp>(loc, x, y); }
  Value greater(Value x, Value y) {
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, x, y);
  }
  Value less(Value x, Value y) {
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, x, y);
  }
  Value greaterOrEqual(Value x, Value y) {
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGE, x, y);
  }
  Value lessOrEqual(Value x, Value y) {
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLE, x, y);
  }
  Value both(Value p, Value q) { return b.create<arith::AndIOp>(loc, p, q); }
  Value select(Value p, Value x, Value y) {
    return b.create<arith::SelectOp>(loc, p, x, y);
  }
  Value isNaN(Value x) {
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, x, x);
  }
  template <typename OpTy> Value approximated(Value x) {
    Operation *op = b.create<OpTy>(loc, x);
    op->setAttr(kApproximateAttr, b.getUnitAttr());
    return op->getResult(0);
  }
  Value exp(Value x) { return approximated<math::ExpOp>(x); }
  Value expm1(Value x) { return approximated<math::ExpM1Op>(x); }
  Value log1p(Value x) { return approximated<math::Log1pOp>(x); }
  Value tanh(Value x) { return approximated<math::TanhOp>(x); }
  Value erf(Value x) { return approximated<math::ErfOp>(x); }

  Value sigmoid(Value x) { return div(c(1), add(c(1), exp(neg(x)))); }
  /// log(1 + exp(x)) without overflow: max(x, 0) + log1p(exp(-|x|)).
  Value softplus(Value x) { return add(max(x, c(0)), log1p(exp(neg(abs(x))))); }
  /// x > 0 ? x : alpha * (exp(x) - 1)
  Value elu(Value x, double alpha) {
    return select(greater(x, c(0)), x, mul(c(alpha), expm1(x)));
  }
  /// gelu's tanh form's inner argument: sqrt(2/pi) * (x + 0.044715 x^3).
  Value geluTanhArgument(Value x) {
    Value cube = mul(x, mul(x, x));
    return mul(c(kGeluTanhScale), add(x, mul(c(kGeluTanhCubic), cube)));
  }
};

} // namespace

Value lowering::buildActivation(OpBuilder &b, Location loc,
                                const ActivationParams &params, Value x) {
  Math m{b, loc};
  Value y;
  switch (params.function) {
  case ActivationFunction::relu: {
    // Keras: (x > t ? x : 0), clipped to [0, max_value], minus
    // alpha * relu(t - x). As t >= 0, that is x (clipped) above t and
    // alpha * (x - t) from t down.
    Value above = params.maxValue ? m.min(x, m.c(*params.maxValue)) : x;
    Value below = params.alpha == 0.0 ? m.c(0)
                                      : m.mul(m.c(params.alpha),
                                              m.sub(x, m.c(params.threshold)));
    y = m.select(m.greater(x, m.c(params.threshold)), above, below);
    break;
  }
  case ActivationFunction::elu:
    y = m.elu(x, params.alpha);
    break;
  case ActivationFunction::selu:
    y = m.mul(m.c(kSeluScale), m.elu(x, kSeluAlpha));
    break;
  case ActivationFunction::softplus:
    y = m.softplus(x);
    break;
  case ActivationFunction::softsign:
    y = m.div(x, m.add(m.c(1), m.abs(x)));
    break;
  case ActivationFunction::swish:
    y = m.mul(x, m.sigmoid(x));
    break;
  case ActivationFunction::gelu:
    y = m.mul(m.mul(m.c(0.5), x),
              m.add(m.c(1), m.erf(m.mul(x, m.c(M_SQRT1_2)))));
    break;
  case ActivationFunction::gelu_tanh:
    y = m.mul(m.mul(m.c(0.5), x), m.add(m.c(1), m.tanh(m.geluTanhArgument(x))));
    break;
  case ActivationFunction::hard_sigmoid:
    y = m.min(m.max(m.add(m.mul(m.c(params.alpha), x), m.c(0.5)), m.c(0)),
              m.c(1));
    break;
  case ActivationFunction::mish:
    y = m.mul(x, m.tanh(m.softplus(x)));
    break;
  case ActivationFunction::exponential:
    y = m.exp(x);
    break;
  }
  // The approximations clamp their arguments, which can turn a NaN into a
  // number; Keras's functions give NaN for NaN.
  return m.select(m.isNaN(x), x, y);
}

Value lowering::buildActivationDerivative(OpBuilder &b, Location loc,
                                          const ActivationParams &params,
                                          Value x) {
  Math m{b, loc};
  switch (params.function) {
  case ActivationFunction::relu: {
    // The gradient of the ops Keras's relu is made of (static_call in
    // keras/src/activations/activations.py, tf.keras 2's backend.relu):
    // leaky_relu alone (alpha, no max_value, no threshold): alpha up to 0,
    // 0 included. Otherwise a positive part, relu(x) or x * (x > t): 1
    // above the threshold, 0 at it; clipped to max_value by relu6 when
    // max_value is 6 and the threshold 0 (0 from 6 on), else by
    // clip_by_value, whose gradient passes at the bound (0 only above it);
    // minus alpha * relu(t - x): alpha below the threshold, 0 at it.
    Value t = m.c(params.threshold);
    if (params.alpha != 0.0 && !params.maxValue && params.threshold == 0.0)
      return m.select(m.greater(x, t), m.c(1), m.c(params.alpha));
    Value positive = m.greater(x, t);
    if (params.maxValue) {
      Value bound = m.c(*params.maxValue);
      bool relu6 = *params.maxValue == 6.0 && params.threshold == 0.0;
      positive =
          m.both(positive, relu6 ? m.less(x, bound) : m.lessOrEqual(x, bound));
    }
    Value below = params.alpha == 0.0
                      ? m.c(0)
                      : m.select(m.less(x, t), m.c(params.alpha), m.c(0));
    return m.select(positive, m.c(1), below);
  }
  case ActivationFunction::elu:
    return m.select(m.greater(x, m.c(0)), m.c(1),
                    m.mul(m.c(params.alpha), m.exp(x)));
  case ActivationFunction::selu:
    // TensorFlow's SeluGrad is `scale` from 0 on (`y < 0 ? ... : scale`).
    // (elu's derivative at 0 is alpha: tf.nn.elu's is 1 there, and Keras
    // computes elu with another alpha as where(x > 0, elu, alpha * elu).)
    return m.mul(
        m.c(kSeluScale),
        m.select(m.less(x, m.c(0)), m.mul(m.c(kSeluAlpha), m.exp(x)), m.c(1)));
  case ActivationFunction::softplus:
    return m.sigmoid(x);
  case ActivationFunction::softsign: {
    Value d = m.add(m.c(1), m.abs(x));
    return m.div(m.c(1), m.mul(d, d));
  }
  case ActivationFunction::swish: {
    // s + x s (1 - s)
    Value s = m.sigmoid(x);
    return m.add(s, m.mul(m.mul(x, s), m.sub(m.c(1), s)));
  }
  case ActivationFunction::gelu: {
    // Phi(x) + x phi(x)
    Value cdf = m.mul(m.c(0.5), m.add(m.c(1), m.erf(m.mul(x, m.c(M_SQRT1_2)))));
    Value pdf = m.mul(m.c(0.5 * M_2_SQRTPI * M_SQRT1_2),
                      m.exp(m.mul(m.c(-0.5), m.mul(x, x))));
    return m.add(cdf, m.mul(x, pdf));
  }
  case ActivationFunction::gelu_tanh: {
    // 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2)
    Value t = m.tanh(m.geluTanhArgument(x));
    Value inner =
        m.mul(m.c(kGeluTanhScale),
              m.add(m.c(1), m.mul(m.c(3 * kGeluTanhCubic), m.mul(x, x))));
    Value slope =
        m.mul(m.mul(m.c(0.5), x), m.mul(m.sub(m.c(1), m.mul(t, t)), inner));
    return m.add(m.mul(m.c(0.5), m.add(m.c(1), t)), slope);
  }
  case ActivationFunction::hard_sigmoid: {
    // alpha inside the ramp, 0 where it is clipped. At the ends: Keras 3's
    // relu6(x + 3) / 6 (alpha 1/6) has relu6's gradient, 0 there; Keras
    // 2's clip_by_value(0.2 x + 0.5, 0, 1) passes it, alpha there.
    Value ramp = m.add(m.mul(m.c(params.alpha), x), m.c(0.5));
    Value inside = params.alpha == 1.0 / 6.0
                       ? m.both(m.greater(ramp, m.c(0)), m.less(ramp, m.c(1)))
                       : m.both(m.greaterOrEqual(ramp, m.c(0)),
                                m.lessOrEqual(ramp, m.c(1)));
    return m.select(inside, m.c(params.alpha), m.c(0));
  }
  case ActivationFunction::mish: {
    // tanh(sp) + x (1 - tanh(sp)^2) sigmoid(x)
    Value t = m.tanh(m.softplus(x));
    return m.add(t, m.mul(m.mul(x, m.sub(m.c(1), m.mul(t, t))), m.sigmoid(x)));
  }
  case ActivationFunction::exponential:
    return m.exp(x);
  }
  llvm_unreachable("unknown activation function");
}
