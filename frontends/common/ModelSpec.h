//===- ModelSpec.h - A Keras Sequential model, as the frontends read it ---===//
//
// Both frontends (Keras Python and Keras / TF.js JSON) read a model file into
// a ModelSpec; one generator (ModelToCnn) turns a ModelSpec into `cnn` IR.
// That split is what makes the two frontends give identical IR for the same
// model: they only differ in how they read, never in what they build.
//
// A ModelSpec holds Keras's vocabulary with every default already applied
// (Keras 2 signatures), so the generator never guesses. It holds no shapes
// beyond the input shape: the `cnn` ops infer every other shape.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_COMMON_MODELSPEC_H
#define CNNC_FRONTENDS_COMMON_MODELSPEC_H

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cnnc {

/// A position in a model file; line and column are 1-based (0 = unknown).
struct SourceLoc {
  std::string file;
  unsigned line = 0;
  unsigned column = 0;
};

enum class Padding { Valid, Same };

/// Keras activation functions cnnc implements, by their `activation=` names.
enum class Activation {
  Linear,
  ReLU,
  Softmax,
  Sigmoid,
  Tanh,
  Elu,
  Selu,
  Softplus,
  Softsign,
  Swish,             // also 'silu'
  Gelu,              // exact: x/2 * (1 + erf(x / sqrt(2)))
  GeluTanh,          // TF.js's 'gelu_new', the tanh approximation
  HardSigmoid,       // Keras 2 and TF.js: clip(0.2 x + 0.5, 0, 1)
  HardSigmoidKeras3, // Keras 3: relu6(x + 3) / 6
  Relu6,
  Mish,
  Exponential,
};

/// A Keras initializer, normalised: string names and every class form
/// (`glorot_uniform`, `GlorotUniform`, `VarianceScaling{...}`, `zeros`, ...)
/// become one of these kinds.
struct Initializer {
  enum class Kind {
    VarianceScaling, // scale, mode, distribution
    RandomNormal,    // mean, stddev
    RandomUniform,   // minval, maxval
    TruncatedNormal, // mean, stddev (resampled beyond 2 stddev)
    Constant,        // value (zeros / ones are Constant 0 / 1)
  };
  enum class Mode { FanIn, FanOut, FanAvg };
  enum class Distribution {
    Uniform,
    TruncatedNormal,   // Keras: stddev = sqrt(scale) / 0.87962566103423978
    UntruncatedNormal, // plain normal with stddev sqrt(scale)
    TruncatedNormalUncorrected, // TF.js 'normal': truncated, stddev sqrt(scale)
  };

  Kind kind = Kind::Constant;
  double scale = 1.0;
  Mode mode = Mode::FanAvg;
  Distribution distribution = Distribution::Uniform;
  double mean = 0.0, stddev = 0.05;
  double minval = -0.05, maxval = 0.05;
  double value = 0.0;
  std::optional<int64_t> seed;

  static Initializer glorotUniform() {
    Initializer init;
    init.kind = Kind::VarianceScaling;
    init.scale = 1.0;
    init.mode = Mode::FanAvg;
    init.distribution = Distribution::Uniform;
    return init;
  }
  static Initializer zeros() { return Initializer(); }
  static Initializer ones() {
    Initializer init;
    init.value = 1.0;
    return init;
  }
};

/// A Keras weight or activity regularizer, normalised: `l1`, `l2`,
/// `l1_l2`, L1, L2 and L1L2 all add l1 * sum|x| + l2 * sum x^2 to the loss.
struct Regularizer {
  double l1 = 0.0, l2 = 0.0;
};

enum class LayerKind {
  Conv2D,
  MaxPooling2D,
  AveragePooling2D,
  MinPooling2D, // cnnc's own: MaxPooling2D's signature, min instead of max
  GlobalMaxPooling2D,
  GlobalAveragePooling2D,
  GlobalMinPooling2D, // cnnc's own
  Flatten,
  Dense,
  Dropout,
  Activation,         // Activation(act)
  ReLU,               // ReLU(max_value, negative_slope, threshold)
  LeakyReLU,          // LeakyReLU(alpha) (Keras 3: negative_slope)
  ELU,                // ELU(alpha)
  PReLU,              // PReLU(alpha_initializer, shared_axes): a learned slope
  Softmax,            // Softmax(axis)
  ZeroPadding2D,      // ZeroPadding2D(padding)
  Cropping2D,         // Cropping2D(cropping)
  Reshape,            // Reshape(target_shape)
  Rescaling,          // Rescaling(scale, offset)
  SpatialDropout2D,   // SpatialDropout2D(rate): Dropout of whole channels
  GaussianNoise,      // GaussianNoise(stddev): identity outside training
  GaussianDropout,    // GaussianDropout(rate): identity outside training
  BatchNormalization, // BatchNormalization(axis=-1, momentum, epsilon, ...)
  DepthwiseConv2D,    // DepthwiseConv2D(kernel_size, ..., depth_multiplier)
  SeparableConv2D,    // SeparableConv2D(filters, kernel_size, ...): depthwise
                      // then a 1x1 convolution, one layer
  Conv2DTranspose,    // Conv2DTranspose(filters, kernel_size, strides,
                      // padding, output_padding)
  UpSampling2D,       // UpSampling2D(size, interpolation)
  LayerNormalization, // LayerNormalization(axis=-1, epsilon, center, scale)
  Permute,            // Permute(dims): the axes after the batch reordered
  ThresholdedReLU,    // ThresholdedReLU(theta=1.0): x > theta ? x : 0
  AlphaDropout,       // AlphaDropout(rate, seed): identity outside training
  // Merge layers, called on a list of tensors (graph models only).
  Add,
  Subtract,
  Multiply,
  Average,
  Maximum,
  Minimum,
  Concatenate, // Concatenate(axis), in `axis`
  // Keras's augmentation layers (keras-semantics.md, "Augmentation
  // layers"): identities at inference, refused in training; their config is
  // in `augmentation`.
  RandomFlip,        // RandomFlip(mode)
  RandomRotation,    // RandomRotation(factor, fill_mode, interpolation, ...)
  RandomZoom,        // RandomZoom(height_factor, width_factor, ...)
  RandomTranslation, // RandomTranslation(height_factor, width_factor, ...)
  RandomContrast,    // RandomContrast(factor)
  RandomBrightness,  // RandomBrightness(factor, value_range)
};

/// True for the merge layers, which take a list of tensors.
inline bool isMergeLayer(LayerKind kind) {
  return kind >= LayerKind::Add && kind <= LayerKind::Concatenate;
}

/// True for Keras's random augmentation layers (RandomFlip, ...).
inline bool isAugmentationLayer(LayerKind kind) {
  return kind >= LayerKind::RandomFlip && kind <= LayerKind::RandomBrightness;
}

/// An augmentation layer's config as the file gives it, checked by Keras's
/// rules (Augmentation.h) and kept only so that export writes it back: cnnc
/// applies none of it (an identity at inference).
struct AugmentationConfig {
  // RandomFlip.
  std::string mode = "horizontal_and_vertical";
  /// RandomRotation's, RandomContrast's and RandomBrightness's `factor`,
  /// RandomZoom's and RandomTranslation's `height_factor`: one number or a
  /// [lower, upper] pair, as written.
  std::vector<double> factor;
  /// RandomZoom's and RandomTranslation's `width_factor`; empty for None.
  std::vector<double> widthFactor;
  // RandomRotation, RandomZoom, RandomTranslation.
  std::string fillMode = "reflect";
  std::string interpolation = "bilinear";
  double fillValue = 0.0;
  // RandomBrightness.
  std::array<double, 2> valueRange = {0.0, 255.0};
};

/// A tensor a layer of a graph model is called on: output `tensor` of the
/// `node`-th call of the layer (or model input) named `layer`, as Keras's
/// `inbound_nodes` and `output_layers` name it.
struct TensorRef {
  std::string layer;
  int64_t node = 0;
  int64_t tensor = 0;
  SourceLoc loc;
  /// An output's name when the file names it apart from its layer (Keras
  /// 3's dict of outputs: the dict's key); empty: the layer's name.
  std::string name;
};

/// A nested model (a Sequential or Functional used as a layer) that a
/// frontend inlined into the outer graph: the compiler sees one flat DAG,
/// while the summary shows the nested model as one row and export refuses it.
struct NestedScope {
  std::string name;      // the nested model's Keras name
  std::string className; // "Sequential" or "Functional"
  /// The node index by which the outer model refers to its call: 1 where
  /// the nested model's own construction is node 0 (Keras 2, TF.js), else 0.
  int64_t callNode = 0;
  SourceLoc loc; // where the nested model is defined
};

/// One input of a graph model (Keras's InputLayer / keras.Input).
struct ModelInput {
  std::string name;
  /// Without the batch dimension.
  std::vector<int64_t> shape;
  SourceLoc loc;
};

/// One Keras layer. Only the fields of its kind are meaningful; each holds
/// Keras 2's default until the model file says otherwise.
struct Layer {
  LayerKind kind = LayerKind::Flatten;
  /// Keras layer name. Empty until assigned: the Python frontend leaves
  /// unnamed layers empty and calls assignKerasNames(); JSON files name all.
  std::string name;
  SourceLoc loc;

  // Conv2D: filters; Dense: units.
  int64_t filters = 0;
  int64_t units = 0;
  // Conv2D kernel_size / pooling pool_size, as (rows, cols).
  std::array<int64_t, 2> kernelSize = {1, 1};
  std::array<int64_t, 2> poolSize = {2, 2};
  // Conv2D and pooling. For pooling, empty strides means "= pool_size".
  std::optional<std::array<int64_t, 2>> strides;
  std::array<int64_t, 2> dilation = {1, 1};
  Padding padding = Padding::Valid;
  // Conv2D, Dense (the fused activation) and Activation (its function).
  Activation activation = Activation::Linear;
  bool useBias = true;
  Initializer kernelInitializer = Initializer::glorotUniform();
  Initializer biasInitializer = Initializer::zeros();
  // Conv2D, Dense and the convolution variants: the kernel's (the depthwise
  // kernel's for DepthwiseConv2D and SeparableConv2D), the pointwise
  // kernel's, the bias's and the layer output's regularizers.
  std::optional<Regularizer> kernelRegularizer, pointwiseRegularizer,
      biasRegularizer, activityRegularizer;
  // Global pooling.
  bool keepDims = false;
  // Dropout, SpatialDropout2D, GaussianDropout, AlphaDropout.
  double rate = 0.0;
  // GaussianNoise.
  double stddev = 0.0;
  std::optional<int64_t> seed;
  // Softmax, Concatenate.
  int64_t axis = -1;
  // ReLU's negative_slope, LeakyReLU's and ELU's alpha (Keras 2 defaults:
  // ReLU 0, LeakyReLU 0.3, ELU 1; the builders set them by kind).
  double alpha = 0.0;
  // ReLU: max_value (None when absent) and threshold; ThresholdedReLU's
  // theta (Keras 2 default 1, set by the builders) is its threshold.
  std::optional<double> maxValue;
  double threshold = 0.0;
  // PReLU: the slope's initializer and the axes (1-based, the batch is 0)
  // along which one slope is shared.
  Initializer alphaInitializer = Initializer::zeros();
  std::vector<int64_t> sharedAxes;
  // ZeroPadding2D's padding / Cropping2D's cropping: top, bottom, left,
  // right.
  std::array<int64_t, 4> edges = {0, 0, 0, 0};
  // Reshape: the shape without the batch; -1 for the one inferred size.
  std::vector<int64_t> targetShape;
  // Permute: Keras's dims, 1-based (the batch is 0 and stays first).
  std::vector<int64_t> permuteDims;
  // Rescaling.
  double scale = 1.0, offset = 0.0;
  // Any layer: Keras's `trainable`. A frozen layer's weights are
  // non-trainable (summary, training), and a frozen BatchNormalization runs
  // in inference mode in training too.
  bool trainable = true;
  // BatchNormalization (`axis` above, -1 or the last axis counted from 0):
  // Keras's defaults; `center` adds beta, `scale` gamma.
  double momentum = 0.99;
  double epsilon = 1e-3;
  bool center = true;
  bool scaleGamma = true;
  Initializer gammaInitializer = Initializer::ones();
  Initializer betaInitializer = Initializer::zeros();
  Initializer movingMeanInitializer = Initializer::zeros();
  Initializer movingVarianceInitializer = Initializer::ones();
  // LayerNormalization: Keras's `axis`, one axis or several, as written
  // (negative from the end); it shares epsilon, center, scale and the
  // gamma / beta initializers with BatchNormalization.
  std::vector<int64_t> normAxes = {-1};
  /// Graph models: the tensors the layer is called on (one, or a merge
  /// layer's list). Empty in a Sequential model: its previous layer.
  std::vector<TensorRef> inbound;
  /// A shared layer (one layer applied several times, as a siamese branch
  /// is) is one entry per call, each with the layer's name and config and
  /// its own `inbound`: `call` numbers the calls as Keras's node indices do
  /// (0 for the first), and a TensorRef's `node` names one. The calls share
  /// one set of weights, the layer's.
  int64_t call = 0;
  /// A layer of inlined nested models: them, outermost first. Its `name` is
  /// then the path "outer/inner/layer", which keeps names distinct across
  /// nested models and is what weights bind by.
  std::vector<NestedScope> scopes;
  // DepthwiseConv2D and SeparableConv2D: depth_multiplier and the
  // depthwise kernel's initializer (SeparableConv2D's pointwise kernel has
  // its own; their kernel_initializer is unused).
  int64_t depthMultiplier = 1;
  Initializer depthwiseInitializer = Initializer::glorotUniform();
  Initializer pointwiseInitializer = Initializer::glorotUniform();
  // Conv2DTranspose: output_padding, None when absent (Keras's output size
  // rule differs between None and 0).
  std::optional<std::array<int64_t, 2>> outputPadding;
  // UpSampling2D: size and interpolation ('nearest' or 'bilinear').
  std::array<int64_t, 2> upSize = {2, 2};
  bool bilinear = false;
  // The augmentation layers (their seed is `seed` above).
  AugmentationConfig augmentation;
};

/// The Keras losses and optimizers cnnc trains with. The readers map every
/// spelling a model file may use (`mean_squared_error`, `MeanSquaredError`,
/// TF.js's `momentum`, ...) to one of these.
enum class KerasLoss {
  SparseCategoricalCrossentropy,
  CategoricalCrossentropy,
  MSE,
  BinaryCrossentropy
};
enum class KerasOptimizer { Adam, SGD, RMSprop };

/// The canonical Keras names: "sparse_categorical_crossentropy",
/// "categorical_crossentropy", "mse", "binary_crossentropy"; "adam", "sgd",
/// "rmsprop".
const char *kerasName(KerasLoss loss);
const char *kerasName(KerasOptimizer optimizer);

/// An optimizer as compile() names it; only the hyper-parameters the model
/// file gave are present (the trainer fills in Keras's defaults).
struct OptimizerSpec {
  KerasOptimizer kind = KerasOptimizer::RMSprop;
  std::map<std::string, double> hyperParameters; // learning_rate, momentum, ...
  SourceLoc loc;
};

/// compile() and fit() arguments, as far as the model file gives them.
/// One output's loss in compile(loss={...}) or loss=[...]: `output` is the
/// dict's key, or empty in a list (then the position is the output's).
struct OutputLossSpec {
  std::string output;
  SourceLoc loc;
  /// None (Python) or null (JSON): the output has no loss.
  std::optional<KerasLoss> loss;
  bool fromLogits = false;
};

/// One output's weight in compile(loss_weights=...), keyed as above.
struct OutputWeightSpec {
  std::string output;
  SourceLoc loc;
  double weight = 1.0;
};

struct TrainingSpec {
  std::optional<OptimizerSpec> optimizer;
  std::optional<KerasLoss> loss;
  bool lossFromLogits = false;
  std::vector<std::string> metrics; // e.g. {"accuracy"}
  std::optional<int64_t> epochs;
  std::optional<int64_t> batchSize;
  std::optional<double> validationSplit;
  std::optional<bool> shuffle;
  /// compile()'s per-output forms for a model with several outputs: a loss
  /// each (`loss={"age": "mse", ...}` or a list in output order) and
  /// `loss_weights` (a dict or a list). Names are checked against the
  /// model's outputs when the module is built (ModelToCnn), where every
  /// output is known.
  std::vector<OutputLossSpec> outputLosses;
  std::vector<OutputWeightSpec> lossWeights;
  SourceLoc lossLoc, lossWeightsLoc; // the dict or list, for its length

  bool empty() const {
    return !optimizer && !loss && metrics.empty() && !epochs && !batchSize &&
           !validationSplit && !shuffle && outputLosses.empty() &&
           lossWeights.empty();
  }
};

/// A Keras model: a Sequential chain, or (`isGraph`) a Functional graph of
/// layers, each naming the tensors it is called on. A Sequential model is
/// the special case of one input and a chain, and is read as it always was
/// (`inputShape`, `layers` in order).
struct ModelSpec {
  std::string name = "sequential";
  SourceLoc loc; // where the model is defined (Sequential(...) or the JSON)
  /// Input shape without the batch dimension, e.g. {28, 28, 1}. Empty when
  /// the file gives none (an error the generator reports at `loc`).
  std::vector<int64_t> inputShape;
  SourceLoc inputLoc;
  std::vector<Layer> layers;
  TrainingSpec training;

  /// A Functional model: `inputs` in the model's input order, `layers` in
  /// the file's order (each with its `inbound`), `outputs` in the model's
  /// output order. `inputShape` is the first input's.
  bool isGraph = false;
  std::vector<ModelInput> inputs;
  std::vector<TensorRef> outputs;
  /// A Sequential model made a graph because it nests models: Keras prints
  /// its summary as a Sequential's (no InputLayer row).
  bool sequentialView = false;
};

/// The layer kind a Keras class name (or alias: "MaxPool2D", "AvgPool2D",
/// "Convolution2D", ...) stands for; none for a class cnnc does not have.
std::optional<LayerKind> layerKindForClassName(std::string_view className);

/// The activation an `activation=` name stands for ("relu", "gelu", TF.js's
/// "gelu_new", ...); none for a name cnnc does not have. `hard_sigmoid` is
/// Keras 3's when `keras3`, else Keras 2's (their definitions differ).
std::optional<Activation> activationForName(std::string_view name, bool keras3);

/// The name Keras (or, for GeluTanh, TF.js) gives an activation.
const char *kerasActivationName(Activation activation);

/// The activation names cnnc has, for error messages ("linear, relu, ...").
const char *kerasActivationNames();

/// Keras's class name for a layer kind (the long name: "MaxPooling2D").
const char *kerasClassName(LayerKind kind);

/// Keras's snake-case auto-name stem for a layer kind ("max_pooling2d",
/// "re_lu", "global_average_pooling2d").
const char *kerasNameStem(LayerKind kind);

/// Names every layer whose name is empty as tf.keras does: `<stem>`,
/// `<stem>_1`, ... counted per class in model order; explicit names neither
/// consume nor reset a class's counter.
void assignKerasNames(ModelSpec &model);

} // namespace cnnc

#endif // CNNC_FRONTENDS_COMMON_MODELSPEC_H
