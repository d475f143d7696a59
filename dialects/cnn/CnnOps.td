//===- CnnOps.td - The cnn dialect's operations ---------------*- tablegen -*-===//
//
// One op per Keras layer kind. Each op infers its result type by Keras's
// rules (ShapeRules.cpp), and that inference is also its verifier, so a
// frontend that builds an op and a `.mlir` file that states one are checked
// by the same code.
//
//===----------------------------------------------------------------------===//

#ifndef CNN_OPS
#define CNN_OPS

include "dialects/cnn/CnnBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// Activations: f32 tensors of any rank, batch first (NHWC for images).
def Cnn_Tensor : RankedTensorOf<[F32]>;

class Cnn_Op<string mnemonic, list<Trait> traits = []>
    : Op<Cnn_Dialect, mnemonic, !listconcat(traits, [Pure, InferTypeOpAdaptor])>;

//===----------------------------------------------------------------------===//
// Convolution and dense
//===----------------------------------------------------------------------===//

def Cnn_Conv2DOp : Cnn_Op<"conv2d"> {
  let summary = "2-D convolution (Keras Conv2D without its activation)";
  let description = [{
    Cross-correlation of an NHWC input with an HWCF kernel, plus an optional
    per-filter bias:

      y[n,i,j,f] = b[f] + sum_{p,q,c} x[n, i*s0 + p*d0 - padTop,
                                          j*s1 + q*d1 - padLeft, c] * K[p,q,c,f]

    Output rows/columns follow Keras: `valid` gives
    floor((in - d*(k-1) - 1)/s) + 1, `same` gives ceil(in/s), padding the odd
    extra row/column at the bottom/right.

    Example:
    ```mlir
    %y = cnn.conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1] padding = valid
        : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>)
        -> tensor<?x26x26x32xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, Cnn_Tensor:$kernel,
                       Optional<Cnn_Tensor>:$bias,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilation,
                       Cnn_Padding:$padding);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $kernel (`,` $bias^)? `strides` `=` $strides
    `dilation` `=` $dilation `padding` `=` $padding attr-dict
    `:` functional-type(operands, results)
  }];
}

def Cnn_DenseOp : Cnn_Op<"dense"> {
  let summary = "fully connected layer on the last axis (Keras Dense)";
  let description = [{
    `y[..., u] = b[u] + sum_i x[..., i] * K[i, u]`. On a rank > 2 input it
    applies to the last axis, as Keras does (a 1x1 convolution).

    ```mlir
    %y = cnn.dense %x, %k, %b
        : (tensor<?x800xf32>, tensor<800x128xf32>, tensor<128xf32>)
        -> tensor<?x128xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, Cnn_Tensor:$kernel,
                       Optional<Cnn_Tensor>:$bias);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $kernel (`,` $bias^)? attr-dict
    `:` functional-type(operands, results)
  }];
}

def Cnn_FusedConv2DOp : Cnn_Op<"fused_conv2d"> {
  let summary = "conv2d, then optionally relu, then optionally a pooling";
  let description = [{
    What `--cnn-fuse-conv-relu-pool` makes of a `conv2d -> relu -> pool`
    chain (or `conv2d -> relu`): one op, so that its lowering computes each
    pooled output from its convolution window while it is in cache, and the
    full-size convolution output never exists. Its semantics are exactly
    those of the chain it replaces.

    ```mlir
    %y = cnn.fused_conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1]
        padding = valid relu pool max size = [2, 2] strides = [2, 2]
        padding = valid
        : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>, tensor<32xf32>)
        -> tensor<?x13x13x32xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, Cnn_Tensor:$kernel,
                       Optional<Cnn_Tensor>:$bias,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilation,
                       Cnn_Padding:$padding,
                       UnitAttr:$relu,
                       OptionalAttr<Cnn_PoolKind>:$pool,
                       OptionalAttr<DenseI64ArrayAttr>:$pool_size,
                       OptionalAttr<DenseI64ArrayAttr>:$pool_strides,
                       OptionalAttr<Cnn_Padding>:$pool_padding);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $kernel (`,` $bias^)? `strides` `=` $strides
    `dilation` `=` $dilation `padding` `=` $padding (`relu` $relu^)?
    (`pool` $pool^ `size` `=` $pool_size `strides` `=` $pool_strides
     `padding` `=` $pool_padding)?
    attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// The type of the convolution (and relu) before pooling.
    ::mlir::RankedTensorType getConvType();
  }];
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

class Cnn_Pool2DOp<string mnemonic, string reduction, string padValue>
    : Cnn_Op<mnemonic> {
  let summary = reduction # " over each pooling window (NHWC)";
  let description = [{
    Slides a `pool_size` window with `strides` (pool_size when absent) over
    rows and columns and takes the }] # reduction # [{ of each window, per
    channel. Output sizes follow Keras's rule (as conv2d with dilation 1).
    Under `same` padding, padded cells are }] # padValue # [{.

    ```mlir
    %y = cnn.}] # mnemonic # [{ %x pool_size = [2, 2] strides = [2, 2] padding = valid
        : (tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input,
                       DenseI64ArrayAttr:$pool_size,
                       OptionalAttr<DenseI64ArrayAttr>:$strides,
                       Cnn_Padding:$padding);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $input `pool_size` `=` $pool_size (`strides` `=` $strides^)?
    `padding` `=` $padding attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// The strides in effect: `strides`, or `pool_size` when absent.
    ::llvm::ArrayRef<int64_t> getEffectiveStrides() {
      return getStrides() ? *getStrides() : getPoolSize();
    }
  }];
}

def Cnn_MaxPool2DOp : Cnn_Pool2DOp<"max_pool2d", "maximum",
    "-inf (padding never wins)">;
def Cnn_AvgPool2DOp : Cnn_Pool2DOp<"avg_pool2d", "mean",
    "excluded from the count (Keras divides by the in-bounds cells)">;
def Cnn_MinPool2DOp : Cnn_Pool2DOp<"min_pool2d", "minimum",
    "+inf (padding never wins); not in Keras, the lesson's min pooling">;

class Cnn_GlobalPool2DOp<string mnemonic, string reduction>
    : Cnn_Op<mnemonic> {
  let summary = reduction # " over all rows and columns, per channel";
  let description = [{
    Reduces axes 1 and 2 of an NHWC tensor: (N, H, W, C) -> (N, C), or
    (N, 1, 1, C) with `keepdims`.

    ```mlir
    %y = cnn.}] # mnemonic # [{ %x : (tensor<?x11x11x64xf32>) -> tensor<?x64xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, UnitAttr:$keepdims);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $input (`keepdims` $keepdims^)? attr-dict
    `:` functional-type(operands, results)
  }];
}

def Cnn_GlobalMaxPool2DOp : Cnn_GlobalPool2DOp<"global_max_pool2d", "maximum">;
def Cnn_GlobalAvgPool2DOp : Cnn_GlobalPool2DOp<"global_avg_pool2d", "mean">;
def Cnn_GlobalMinPool2DOp : Cnn_GlobalPool2DOp<"global_min_pool2d", "minimum">;

//===----------------------------------------------------------------------===//
// Shape and regularisation
//===----------------------------------------------------------------------===//

def Cnn_FlattenOp : Cnn_Op<"flatten"> {
  let summary = "row-major reshape to (batch, features) (Keras Flatten)";
  let description = [{
    (N, H, W, C) -> (N, H*W*C), flat index (h*W + w)*C + c.

    ```mlir
    %y = cnn.flatten %x : (tensor<?x5x5x32xf32>) -> tensor<?x800xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Cnn_Crop2DOp : Cnn_Op<"crop2d"> {
  let summary = "the first `rows` rows and `cols` columns of each image";
  let description = [{
    (N, H, W, C) -> (N, rows, cols, C), keeping the top-left corner. Not a
    Keras layer: `--cnn-crop-unpooled-border` puts it before a convolution
    whose last rows or columns no pooling window reads, so that they are
    not computed (nor, in training, their gradients).

    ```mlir
    %y = cnn.crop2d %x rows = 12 cols = 12
        : (tensor<?x13x13x32xf32>) -> tensor<?x12x12x32xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, I64Attr:$rows, I64Attr:$cols);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $input `rows` `=` $rows `cols` `=` $cols attr-dict `:`
    functional-type(operands, results)
  }];
}

class Cnn_NoiseOp<string mnemonic, string layer, string noise>
    : Cnn_Op<mnemonic> {
  let summary = "Keras " # layer # ": identity outside training";
  let description = [{
    In prediction and evaluation the identity. In training Keras }] # noise #
    [{; cnnc does not draw it: --cnn-build-train-step refuses the op, at
    its layer (so such a model predicts and exports, but does not train or
    evaluate).
  }];
  let results = (outs Cnn_Tensor:$output);
}

def Cnn_GaussianNoiseOp : Cnn_NoiseOp<"gaussian_noise", "GaussianNoise",
    "adds N(0, stddev) noise"> {
  let arguments = (ins Cnn_Tensor:$input, F64Attr:$stddev,
                       OptionalAttr<I64Attr>:$seed);
  let assemblyFormat = [{
    $input `stddev` `=` $stddev (`seed` `=` $seed^)? attr-dict `:` type($input)
  }];
}

def Cnn_GaussianDropoutOp : Cnn_NoiseOp<"gaussian_dropout", "GaussianDropout",
    "multiplies by N(1, rate / (1 - rate)) noise"> {
  let arguments = (ins Cnn_Tensor:$input, F64Attr:$rate,
                       OptionalAttr<I64Attr>:$seed);
  let assemblyFormat = [{
    $input `rate` `=` $rate (`seed` `=` $seed^)? attr-dict `:` type($input)
  }];
}

def Cnn_ZeroPadding2DOp : Cnn_Op<"zero_padding2d"> {
  let summary = "Keras ZeroPadding2D: zero rows and columns around each image";
  let description = [{
    (N, H, W, C) -> (N, top + H + bottom, left + W + right, C), the new
    cells zero. `padding` is [top, bottom, left, right], each >= 0. Its
    gradient is the cropping2d of the same amounts.

    ```mlir
    %y = cnn.zero_padding2d %x padding = [1, 1, 2, 2]
        : (tensor<?x28x28x1xf32>) -> tensor<?x30x32x1xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, DenseI64ArrayAttr:$padding);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $input `padding` `=` $padding attr-dict `:` functional-type(operands, results)
  }];
}

def Cnn_Cropping2DOp : Cnn_Op<"cropping2d"> {
  let summary = "Keras Cropping2D: drop rows and columns at each image's edges";
  let description = [{
    (N, H, W, C) -> (N, H - top - bottom, W - left - right, C). `cropping`
    is [top, bottom, left, right], each >= 0, keeping at least one row and
    one column. Its gradient is the zero_padding2d of the same amounts.

    ```mlir
    %y = cnn.cropping2d %x cropping = [2, 2, 2, 2]
        : (tensor<?x28x28x1xf32>) -> tensor<?x24x24x1xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, DenseI64ArrayAttr:$cropping);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $input `cropping` `=` $cropping attr-dict `:` functional-type(operands, results)
  }];
}

def Cnn_RescalingOp : Cnn_Op<"rescaling"> {
  let summary = "Keras Rescaling: x * scale + offset";
  let description = [{
    Elementwise `x * scale + offset` (Keras computes `x * scale + offset` in
    the layer's dtype: float32). Its gradient is a rescaling by `scale`
    with no offset.

    ```mlir
    %y = cnn.rescaling %x scale = 0.00392156862745098 offset = 0.0
        : tensor<?x28x28x1xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, F64Attr:$scale, F64Attr:$offset);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $input `scale` `=` $scale `offset` `=` $offset attr-dict `:` type($input)
  }];
}

def Cnn_AlphaDropoutOp : Cnn_Op<"alpha_dropout"> {
  let summary = "Keras AlphaDropout: identity outside training";
  let description = [{
    In prediction and evaluation the identity. In training
    (--cnn-build-train-step) each element is kept with probability
    1 - rate (a cnn.dropout_mask draw) and a dropped one replaced by
    alpha' = -selu_scale * selu_alpha, then all are rescaled as Keras 2 and
    3 do, so that a SELU network keeps its mean and variance:
    `y = a * (kept ? x : alpha') + b`, `a = ((1 - rate) * (1 + rate *
    alpha'^2))^-1/2`, `b = -a * alpha' * rate` (cnn.alpha_dropout_apply).

    ```mlir
    %y = cnn.alpha_dropout %x rate = 1.000000e-01 : tensor<?x64xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, F64Attr:$rate,
                       OptionalAttr<I64Attr>:$seed);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $input `rate` `=` $rate (`seed` `=` $seed^)? attr-dict `:` type($input)
  }];
}

def Cnn_PermuteOp : Cnn_Op<"permute"> {
  let summary = "Keras Permute: the axes after the batch reordered";
  let description = [{
    `dims` is Keras's: a permutation of 1 .. rank - 1 (the batch is axis 0
    and stays first); output axis i is input axis `dims[i - 1]`:
    `y[n, i_1, ..., i_k] = x[n, j...]` with `j[dims[a] - 1] = i_a`.
    Its gradient is the permute by the inverse permutation.

    ```mlir
    %y = cnn.permute %x dims = [2, 1, 3]
        : (tensor<?x4x5x3xf32>) -> tensor<?x5x4x3xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, DenseI64ArrayAttr:$dims);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $input `dims` `=` $dims attr-dict `:` functional-type(operands, results)
  }];
}

def Cnn_DropoutOp : Cnn_Op<"dropout"> {
  let summary = "Keras Dropout (and SpatialDropout2D): identity outside training";
  let description = [{
    In training each element is kept with probability 1 - rate and scaled by
    1/(1 - rate); in evaluation and prediction it is the identity. With
    `spatial` (SpatialDropout2D, on NHWC images), one draw keeps or drops a
    whole channel of a sample: Keras's noise_shape (batch, 1, 1, channels).

    ```mlir
    %y = cnn.dropout %x rate = 5.000000e-01 : tensor<?x1600xf32>
    %z = cnn.dropout %i rate = 2.000000e-01 spatial : tensor<?x8x8x4xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, F64Attr:$rate,
                       OptionalAttr<I64Attr>:$seed, UnitAttr:$spatial);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $input `rate` `=` $rate (`seed` `=` $seed^)? (`spatial` $spatial^)?
    attr-dict `:` type($input)
  }];
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

class Cnn_ActivationOp<string mnemonic, string formula> : Cnn_Op<mnemonic> {
  let summary = "elementwise " # formula;
  let arguments = (ins Cnn_Tensor:$input);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Cnn_ReluOp : Cnn_ActivationOp<"relu", "max(x, 0)">;
def Cnn_SigmoidOp : Cnn_ActivationOp<"sigmoid", "1 / (1 + exp(-x))">;
def Cnn_TanhOp : Cnn_ActivationOp<"tanh", "tanh(x)">;
def Cnn_LinearOp : Cnn_ActivationOp<"linear", "identity (Activation('linear'))"> {
  let hasFolder = 1;
}

def Cnn_ApplyActivationOp : Cnn_Op<"activation"> {
  let summary = "a Keras activation function with its parameters";
  let description = [{
    The activations beyond relu, sigmoid and tanh, as `activation=` strings
    and as layers (LeakyReLU, ELU, ReLU with arguments), elementwise:

    - `relu`: `x > threshold ? min(x, max_value) : alpha * (x - threshold)`,
      Keras's ReLU(max_value, negative_slope = alpha, threshold); LeakyReLU
      is `alpha` alone, relu6 `max_value = 6`.
    - `elu`: `x > 0 ? x : alpha * (exp(x) - 1)`; `selu`: elu with Keras's
      fixed alpha and scale.
    - `softplus`: `log(1 + exp(x))`; `softsign`: `x / (1 + |x|)`;
      `swish`: `x * sigmoid(x)`; `mish`: `x * tanh(softplus(x))`;
      `exponential`: `exp(x)`.
    - `gelu`: `x/2 * (1 + erf(x / sqrt(2)))`; `gelu_tanh` its tanh form.
    - `hard_sigmoid`: `clip(alpha * x + 0.5, 0, 1)` (Keras 2: alpha 0.2;
      Keras 3: 1/6).

    A NaN input gives NaN, as in Keras.

    ```mlir
    %y = cnn.activation relu %x alpha = 3.000000e-01 : tensor<?x26x26x8xf32>
    %z = cnn.activation gelu %x : tensor<?x128xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, Cnn_ActivationFunction:$function,
                       DefaultValuedAttr<F64Attr, "0.0">:$alpha,
                       OptionalAttr<F64Attr>:$max_value,
                       DefaultValuedAttr<F64Attr, "0.0">:$threshold);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $function $input (`alpha` `=` $alpha^)? (`max_value` `=` $max_value^)?
    (`threshold` `=` $threshold^)? attr-dict `:` type($input)
  }];
}

def Cnn_PReluOp : Cnn_Op<"prelu"> {
  let summary = "Keras PReLU: x > 0 ? x : alpha * x, alpha a learned tensor";
  let description = [{
    `alpha` has the input's shape without the batch, with size 1 along each
    of Keras's `shared_axes` (the axes that share one slope), and broadcasts
    along them: `y[n, i...] = x > 0 ? x : alpha[i... (0 where shared)] * x`.
    A NaN input gives NaN.

    ```mlir
    %y = cnn.prelu %x, %alpha
        : (tensor<?x26x26x8xf32>, tensor<1x1x8xf32>) -> tensor<?x26x26x8xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, Cnn_Tensor:$alpha);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $alpha attr-dict `:` functional-type(operands, results)
  }];
}

def Cnn_SoftmaxOp : Cnn_Op<"softmax"> {
  let summary = "softmax along one axis (the last by default)";
  let description = [{
    `y = exp(x - max(x)) / sum(exp(x - max(x)))` along `axis` (negative
    counts from the end, as in Keras).

    ```mlir
    %y = cnn.softmax %x : tensor<?x10xf32>
    %z = cnn.softmax %x axis = 1 : tensor<?x10xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input,
                       DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = "$input (`axis` `=` $axis^)? attr-dict `:` type($input)";
  let extraClassDeclaration = [{
    /// The axis counted from the front, in [0, rank).
    int64_t getPositiveAxis() {
      // Read the attribute itself: a parsed op whose axis took the default
      // may not hold it.
      ::mlir::IntegerAttr attr = getAxisAttr();
      int64_t axis = attr ? attr.getInt() : -1;
      return axis < 0 ? axis + getType().getRank() : axis;
    }
  }];
}

include "dialects/cnn/CnnTrainingOps.td"
include "dialects/cnn/CnnNormalizationOps.td"
include "dialects/cnn/CnnNormalizationTrainingOps.td"
include "dialects/cnn/CnnMergeOps.td"
include "dialects/cnn/CnnMergeTrainingOps.td"
include "dialects/cnn/CnnConvVariantOps.td"
include "dialects/cnn/CnnAugmentationOps.td"
include "dialects/cnn/CnnPaddingOps.td"
include "dialects/cnn/CnnChunkOps.td"
include "dialects/cnn/CnnQuantOps.td"

#endif // CNN_OPS
