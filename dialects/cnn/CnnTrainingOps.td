//===- CnnTrainingOps.td - Gradients, losses and optimizer updates -*- tablegen -*-===//
//
// The ops --cnn-build-train-step writes: the backward op of every forward
// op, the losses (each giving its value and its gradient at once), the
// accuracy count and the optimizer updates. They take explicit result types
// where the forward rule cannot be inverted (a strided convolution's input
// size is not a function of its output size); verifiers check those types
// against the forward rules in ShapeRules.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef CNN_TRAINING_OPS
#define CNN_TRAINING_OPS

class Cnn_TrainOp<string mnemonic, list<Trait> traits = []>
    : Op<Cnn_Dialect, mnemonic, !listconcat(traits, [Pure])> {
  let hasVerifier = 1;
}

def Cnn_Labels : AnyTypeOf<[RankedTensorOf<[I32]>, Cnn_Tensor]>;
def Cnn_Scalar : 0DTensorOf<[F32]>;

//===----------------------------------------------------------------------===//
// Backward ops
//===----------------------------------------------------------------------===//

def Cnn_Conv2DInputGradOp : Cnn_TrainOp<"conv2d_input_grad"> {
  let summary = "gradient of conv2d with respect to its input";
  let description = [{
    `dx` for `y = conv2d(x, K)` given `dy`: the transposed convolution,
    `dx[n,h,w,c] = sum dy[n,i,j,f] * K[p,q,c,f]` over the taps where
    `h = i*s0 + p*d0 - padTop`, `w = j*s1 + q*d1 - padLeft`. The result type
    is the input's: rows a strided `valid` convolution never read get zero.

    ```mlir
    %dx = cnn.conv2d_input_grad %dy, %k strides = [1, 1] dilation = [1, 1]
        padding = valid : (tensor<?x11x11x32xf32>, tensor<3x3x32x32xf32>)
        -> tensor<?x13x13x32xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$output_grad, Cnn_Tensor:$kernel,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilation,
                       Cnn_Padding:$padding);
  let results = (outs Cnn_Tensor:$input_grad);
  let assemblyFormat = [{
    $output_grad `,` $kernel `strides` `=` $strides `dilation` `=` $dilation
    `padding` `=` $padding attr-dict `:` functional-type(operands, results)
  }];
}

def Cnn_Conv2DKernelGradOp : Cnn_TrainOp<"conv2d_kernel_grad"> {
  let summary = "gradient of conv2d with respect to its kernel";
  let description = [{
    `dK[p,q,c,f] = sum_{n,i,j} x[n, i*s0 + p*d0 - padTop, j*s1 + q*d1 - padLeft, c]
    * dy[n,i,j,f]`, padded cells reading zero. The result type is the
    kernel's.
  }];
  let arguments = (ins Cnn_Tensor:$input, Cnn_Tensor:$output_grad,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilation,
                       Cnn_Padding:$padding);
  let results = (outs Cnn_Tensor:$kernel_grad);
  let assemblyFormat = [{
    $input `,` $output_grad `strides` `=` $strides `dilation` `=` $dilation
    `padding` `=` $padding attr-dict `:` functional-type(operands, results)
  }];
}

def Cnn_BiasGradOp : Cnn_TrainOp<"bias_grad"> {
  let summary = "gradient of a bias: the sum over every axis but the last";
  let arguments = (ins Cnn_Tensor:$output_grad);
  let results = (outs Cnn_Tensor:$bias_grad);
  let assemblyFormat = "$output_grad attr-dict `:` functional-type(operands, results)";
}

def Cnn_DenseInputGradOp : Cnn_TrainOp<"dense_input_grad"> {
  let summary = "gradient of dense with respect to its input: dy . K^T";
  let arguments = (ins Cnn_Tensor:$output_grad, Cnn_Tensor:$kernel);
  let results = (outs Cnn_Tensor:$input_grad);
  let assemblyFormat = [{
    $output_grad `,` $kernel attr-dict `:` functional-type(operands, results)
  }];
}

def Cnn_DenseKernelGradOp : Cnn_TrainOp<"dense_kernel_grad"> {
  let summary = "gradient of dense with respect to its kernel: x^T . dy";
  let description = [{
    Summed over every axis but the last, so that dense on a rank > 2 input
    (Keras applies it to the last axis) has its gradient too.
  }];
  let arguments = (ins Cnn_Tensor:$input, Cnn_Tensor:$output_grad);
  let results = (outs Cnn_Tensor:$kernel_grad);
  let assemblyFormat = [{
    $input `,` $output_grad attr-dict `:` functional-type(operands, results)
  }];
}

def Cnn_Pool2DGradOp : Cnn_TrainOp<"pool2d_grad"> {
  let summary = "gradient of a pooling with respect to its input";
  let description = [{
    Max and min pooling route each window's gradient to the element the
    forward pass chose: the first extreme in row-major window order, as
    TensorFlow does; windows that overlap add up. Average pooling spreads it
    evenly over the window's in-bounds cells, the count the forward pass
    divided by. `input` is the pooling's input (only its shape matters for
    `avg`).

    ```mlir
    %dx = cnn.pool2d_grad max %x, %dy pool_size = [2, 2] strides = [2, 2]
        padding = valid : (tensor<?x26x26x32xf32>, tensor<?x13x13x32xf32>)
        -> tensor<?x26x26x32xf32>
    ```
  }];
  let arguments = (ins Cnn_PoolKind:$kind, Cnn_Tensor:$input,
                       Cnn_Tensor:$output_grad,
                       DenseI64ArrayAttr:$pool_size,
                       DenseI64ArrayAttr:$strides,
                       Cnn_Padding:$padding);
  let results = (outs Cnn_Tensor:$input_grad);
  let assemblyFormat = [{
    $kind $input `,` $output_grad `pool_size` `=` $pool_size
    `strides` `=` $strides `padding` `=` $padding attr-dict
    `:` functional-type(operands, results)
  }];
}

def Cnn_GlobalPool2DGradOp : Cnn_TrainOp<"global_pool2d_grad"> {
  let summary = "gradient of a global pooling with respect to its input";
  let description = [{
    One window covering all rows and columns. Average pooling spreads the
    gradient evenly over it; max and min pooling divide it evenly among
    every cell that holds the extreme, as the gradient of TensorFlow's
    reduce_max (Keras's GlobalMaxPooling2D) does, not only the first as
    pool2d_grad does.
  }];
  let arguments = (ins Cnn_PoolKind:$kind, Cnn_Tensor:$input,
                       Cnn_Tensor:$output_grad);
  let results = (outs Cnn_Tensor:$input_grad);
  let assemblyFormat = [{
    $kind $input `,` $output_grad attr-dict `:` functional-type(operands, results)
  }];
}

def Cnn_ActivationGradOp : Cnn_TrainOp<"activation_grad",
                                       [AllTypesMatch<["output", "output_grad", "input_grad"]>]> {
  let summary = "gradient of relu, sigmoid or tanh, from their output";
  let description = [{
    relu: `dy * (y > 0)` (zero at 0, as TensorFlow); sigmoid: `dy * y * (1 - y)`;
    tanh: `dy * (1 - y^2)`.
  }];
  let arguments = (ins Cnn_ActivationKind:$kind, Cnn_Tensor:$output,
                       Cnn_Tensor:$output_grad);
  let results = (outs Cnn_Tensor:$input_grad);
  let assemblyFormat = "$kind $output `,` $output_grad attr-dict `:` type($output)";
}

def Cnn_ApplyActivationGradOp : Cnn_TrainOp<"activation_input_grad",
    [AllTypesMatch<["input", "output_grad", "input_grad"]>]> {
  let summary = "gradient of cnn.activation, from its input";
  let description = [{
    `dx = dy * f'(x)` for the function and parameters of a cnn.activation
    (those functions' derivatives do not all follow from the output). At a
    kink the derivative is that of the TensorFlow ops Keras builds the
    function from: relu's is 1 above the threshold and 0 at it; with
    `max_value` 6 and threshold 0 (tf.nn.relu6) 0 from 6 on, any other
    `max_value` (clip_by_value) 0 only above it; `alpha` below the
    threshold, and at it only for a plain leaky relu (no `max_value`, no
    threshold). selu's is `scale` at 0. hard_sigmoid's is `alpha` at the
    ramp's ends for Keras 2's clip (alpha 0.2), 0 for Keras 3's relu6
    (alpha 1/6).

    ```mlir
    %dx = cnn.activation_input_grad elu %x, %dy alpha = 1.000000e+00
        : tensor<?x128xf32>
    ```
  }];
  let arguments = (ins Cnn_ActivationFunction:$function, Cnn_Tensor:$input,
                       Cnn_Tensor:$output_grad,
                       DefaultValuedAttr<F64Attr, "0.0">:$alpha,
                       OptionalAttr<F64Attr>:$max_value,
                       DefaultValuedAttr<F64Attr, "0.0">:$threshold);
  let results = (outs Cnn_Tensor:$input_grad);
  let assemblyFormat = [{
    $function $input `,` $output_grad (`alpha` `=` $alpha^)?
    (`max_value` `=` $max_value^)? (`threshold` `=` $threshold^)? attr-dict
    `:` type($input)
  }];
}

def Cnn_PReluInputGradOp : Cnn_TrainOp<"prelu_input_grad",
    [AllTypesMatch<["input", "output_grad", "input_grad"]>]> {
  let summary = "gradient of prelu with respect to its input";
  let description = [{
    `dx = x > 0 ? dy : x < 0 ? alpha * dy : 0`: Keras's PReLU is
    `relu(x) - alpha * relu(-x)`, and TensorFlow's relu gradient is 0 at 0.
  }];
  let arguments = (ins Cnn_Tensor:$input, Cnn_Tensor:$alpha,
                       Cnn_Tensor:$output_grad);
  let results = (outs Cnn_Tensor:$input_grad);
  let assemblyFormat = [{
    $input `,` $alpha `,` $output_grad attr-dict `:`
    functional-type(operands, results)
  }];
}

def Cnn_PReluAlphaGradOp : Cnn_TrainOp<"prelu_alpha_grad"> {
  let summary = "gradient of prelu with respect to alpha";
  let description = [{
    `dalpha = sum of dy * min(x, 0)` over the batch and the shared axes (the
    axes where alpha has size 1): the result has alpha's type.
  }];
  let arguments = (ins Cnn_Tensor:$input, Cnn_Tensor:$output_grad);
  let results = (outs Cnn_Tensor:$alpha_grad);
  let assemblyFormat = [{
    $input `,` $output_grad attr-dict `:` functional-type(operands, results)
  }];
}

def Cnn_SoftmaxGradOp : Cnn_TrainOp<"softmax_grad",
                                    [AllTypesMatch<["output", "output_grad", "input_grad"]>]> {
  let summary = "gradient of softmax from its output: y * (dy - sum(dy * y))";
  let arguments = (ins Cnn_Tensor:$output, Cnn_Tensor:$output_grad, I64Attr:$axis);
  let results = (outs Cnn_Tensor:$input_grad);
  let assemblyFormat = [{
    $output `,` $output_grad `axis` `=` $axis attr-dict `:` type($output)
  }];
}

def Cnn_Crop2DGradOp : Cnn_TrainOp<"crop2d_grad"> {
  let summary = "gradient of crop2d: dy in the top-left corner, zeros around";
  let arguments = (ins Cnn_Tensor:$output_grad);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $output_grad attr-dict `:` functional-type(operands, results)
  }];
}

def Cnn_ReshapeOp : Cnn_TrainOp<"reshape"> {
  let summary = "row-major reshape of each sample (the inverse of flatten)";
  let arguments = (ins Cnn_Tensor:$input);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Cnn_DropoutMaskOp : Cnn_TrainOp<"dropout_mask", [AllTypesMatch<["input", "mask"]>]> {
  let summary = "Keras Dropout's training mask: 0 or 1 / (1 - rate)";
  let description = [{
    Each element is kept with probability 1 - rate. The draw is a hash of
    (`seed`, `stream`, `step`, the element's index counted from sample
    `first_sample` of the whole batch): a function of the batch and the step
    alone, so the mask does not depend on how the batch is split over
    threads, and a resumed run draws what the uninterrupted one drew.
    `input` gives the shape. With `spatial`, the index leaves out rows and
    columns: one draw per sample and channel (SpatialDropout2D).
  }];
  let arguments = (ins Cnn_Tensor:$input, I64:$seed, I64:$step,
                       I64:$first_sample, F64Attr:$rate, I64Attr:$stream,
                       UnitAttr:$spatial);
  let results = (outs Cnn_Tensor:$mask);
  let assemblyFormat = [{
    $input `,` $seed `,` $step `,` $first_sample `rate` `=` $rate
    `stream` `=` $stream (`spatial` $spatial^)? attr-dict `:` type($input)
  }];
}

def Cnn_AlphaDropoutApplyOp : Cnn_TrainOp<"alpha_dropout_apply",
    [AllTypesMatch<["input", "mask", "output"]>]> {
  let summary = "Keras AlphaDropout in training, given its dropout mask";
  let description = [{
    `y = a * (mask != 0 ? x : alpha') + b` with Keras's constants for
    `rate` (cnn.alpha_dropout): `mask` is a cnn.dropout_mask of that rate,
    nonzero where the element is kept.

    ```mlir
    %y = cnn.alpha_dropout_apply %x, %mask rate = 1.000000e-01
        : tensor<?x64xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, Cnn_Tensor:$mask, F64Attr:$rate);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $mask `rate` `=` $rate attr-dict `:` type($input)
  }];
}

def Cnn_AlphaDropoutGradOp : Cnn_TrainOp<"alpha_dropout_grad",
    [AllTypesMatch<["output_grad", "mask", "input_grad"]>]> {
  let summary = "input gradient of cnn.alpha_dropout_apply";
  let description = [{
    `dx = mask != 0 ? dy * a : 0`: a kept element's gradient scaled by
    Keras's `a`, a dropped one's zero (it was replaced by a constant).

    ```mlir
    %dx = cnn.alpha_dropout_grad %dy, %mask rate = 1.000000e-01
        : tensor<?x64xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$output_grad, Cnn_Tensor:$mask,
                       F64Attr:$rate);
  let results = (outs Cnn_Tensor:$input_grad);
  let assemblyFormat = [{
    $output_grad `,` $mask `rate` `=` $rate attr-dict `:` type($output_grad)
  }];
}

def Cnn_MultiplyOp : Cnn_TrainOp<"multiply", [AllTypesMatch<["lhs", "rhs", "output"]>]> {
  let summary = "elementwise product";
  let arguments = (ins Cnn_Tensor:$lhs, Cnn_Tensor:$rhs);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($lhs)";
}

//===----------------------------------------------------------------------===//
// Losses and metrics
//===----------------------------------------------------------------------===//

class Cnn_LossOp<string mnemonic, string formula> : Cnn_TrainOp<mnemonic> {
  let description = [{
    Per sample, }] # formula # [{ Returns the sum of the per-sample losses
    over the batch and the gradient of `scale` times that sum with respect
    to the prediction (`scale` = 1 / the whole batch's size gives Keras's
    mean over the batch, whatever part of the batch this call sees).
    `labels` are class indices (i32, one per sample) or targets shaped like
    the prediction.
  }];
  let arguments = (ins Cnn_Tensor:$prediction, Cnn_Labels:$labels,
                       F32:$scale);
  let results = (outs Cnn_Scalar:$loss_sum, Cnn_Tensor:$prediction_grad);
  let assemblyFormat = [{
    $prediction `,` $labels `,` $scale attr-dict `:`
    functional-type(operands, results)
  }];
}

def Cnn_SoftmaxCrossEntropyOp : Cnn_LossOp<"softmax_cross_entropy",
    "cross-entropy of softmax(logits) along the last axis, computed from the logits as `logsumexp(z) - sum(y * z)` (Keras with a softmax output, or `from_logits=True`)."> {
  let summary = "softmax cross-entropy from logits, with its gradient";
}

def Cnn_CrossEntropyOp : Cnn_LossOp<"cross_entropy",
    "Keras's crossentropy of probabilities. Targets (categorical_crossentropy): `p / sum(p)`, clipped to [1e-7, 1 - 1e-7], then `-sum(y * log p)`. Class indices (sparse_categorical_crossentropy): `p` clipped first, `c`, then `log(sum(c)) - log(c[label])`."> {
  let summary = "cross-entropy of probabilities, with its gradient";
}

def Cnn_SigmoidCrossEntropyOp : Cnn_LossOp<"sigmoid_cross_entropy",
    "the mean over the last axis of the binary cross-entropy of sigmoid(logits), computed from the logits as `max(z, 0) - z * y + log(1 + exp(-|z|))` (Keras with a sigmoid output, or `from_logits=True`). Class indices (one column) are the targets 0 and 1."> {
  let summary = "binary cross-entropy from logits, with its gradient";
}

def Cnn_BinaryCrossEntropyOp : Cnn_LossOp<"binary_cross_entropy",
    "Keras's binary cross-entropy of probabilities: `p` clipped to [1e-7, 1 - 1e-7], then the mean over the last axis of `-(y log p + (1 - y) log(1 - p))`. Class indices (one column) are the targets 0 and 1."> {
  let summary = "binary cross-entropy of probabilities, with its gradient";
}

def Cnn_MeanSquaredErrorOp : Cnn_LossOp<"mean_squared_error",
    "the mean over the last axis of `(p - y)^2`."> {
  let summary = "mean squared error, with its gradient";
}

def Cnn_PenaltyOp : Cnn_TrainOp<"penalty",
    [AllTypesMatch<["input", "input_grad"]>,
     AllTypesMatch<["loss_in", "loss"]>]> {
  let summary = "a regularizer's penalty added to the loss, with its gradient";
  let description = [{
    Keras's regularizer of `input` (a weight or a layer's output):
    `P = l1 * sum |x| + l2 * sum x^2` over all its elements. Returns
    `loss_in + loss_scale * P` and `grad_scale * dP/dx`
    (`l1 * sign(x) + 2 * l2 * x`, 0 for |x| at 0 as TensorFlow), plus
    `grad_in` when given (a weight's gradient from the loss). The two
    scales say how the penalty enters a step that sees part of a batch: a
    weight's penalty, once per batch, is `loss_scale` = the samples seen,
    `grad_scale` = their share of the batch; an activity penalty, already a
    sum over the samples seen, takes 1 and 1 / the batch's size.

    ```mlir
    %loss, %dk = cnn.penalty %k, %sum, %n, %share l1 = 0.0 l2 = 1.0e-02
        : tensor<3x3x1x4xf32>, tensor<f32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, Cnn_Scalar:$loss_in,
                       F32:$loss_scale, F32:$grad_scale,
                       Optional<Cnn_Tensor>:$grad_in,
                       F64Attr:$l1, F64Attr:$l2);
  let results = (outs Cnn_Scalar:$loss, Cnn_Tensor:$input_grad);
  let assemblyFormat = [{
    $input `,` $loss_in `,` $loss_scale `,` $grad_scale
    (`plus` $grad_in^ `:` type($grad_in))? `l1` `=` $l1
    `l2` `=` $l2 attr-dict `:` type($input) `,` type($loss_in)
  }];
}

def Cnn_CountCorrectOp : Cnn_TrainOp<"count_correct"> {
  let summary = "how many samples Keras's 'accuracy' counts as right";
  let description = [{
    With class indices: argmax(prediction) == label (sparse categorical
    accuracy); with one-hot targets: argmax(prediction) == argmax(labels)
    (categorical accuracy); with one output: (prediction > 0.5) == label
    (binary accuracy). Ties go to the first index, as tf.argmax.
  }];
  let arguments = (ins Cnn_Tensor:$prediction, Cnn_Labels:$labels);
  let results = (outs Cnn_Scalar:$count);
  let assemblyFormat = [{
    $prediction `,` $labels attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Optimizer updates
//===----------------------------------------------------------------------===//

class Cnn_UpdateOp<string mnemonic, string rule, dag hyperParameters>
    : Cnn_TrainOp<mnemonic, [AllTypesMatch<["params", "new_params"]>,
                             AllTypesMatch<["state", "new_state"]>]> {
  let description = [{
    One optimizer step on all parameters at once, laid end to end in Keras
    order (`params`, P floats), or on a contiguous part of them (P dynamic:
    each thread updates its part). `state` holds the optimizer's slots, one row
    each. `gradients` holds one row per shard of the batch; the rows are
    summed (each shard's gradient is already scaled by 1 / the batch size).
    `iteration` counts the steps taken before this one. Keras's rule:

      }] # rule;
  let arguments = !con((ins Cnn_Tensor:$params, Cnn_Tensor:$state,
                            Cnn_Tensor:$gradients, I64:$iteration),
                       hyperParameters);
  let results = (outs Cnn_Tensor:$new_params, Cnn_Tensor:$new_state);
  let assemblyFormat = [{
    $params `,` $state `,` $gradients `,` $iteration attr-dict `:`
    type($params) `,` type($state) `,` type($gradients)
  }];
}

def Cnn_AdamUpdateOp : Cnn_UpdateOp<"adam_update",
    [{m += (g - m)(1 - beta_1); v += (g^2 - v)(1 - beta_2);
      w -= lr sqrt(1 - beta_2^t) / (1 - beta_1^t) * m / (sqrt(v) + epsilon),
      t = iteration + 1; state = [m, v].}],
    (ins F64Attr:$learning_rate, F64Attr:$beta_1, F64Attr:$beta_2,
         F64Attr:$epsilon)> {
  let summary = "Keras's Adam";
}

def Cnn_SGDUpdateOp : Cnn_UpdateOp<"sgd_update",
    [{m = momentum m - lr g; w += m (nesterov: w += momentum m - lr g);
      state = [m]. Without momentum: w -= lr g.}],
    (ins F64Attr:$learning_rate, F64Attr:$momentum, BoolAttr:$nesterov)> {
  let summary = "Keras's SGD, with optional (Nesterov) momentum";
}

def Cnn_RMSpropUpdateOp : Cnn_UpdateOp<"rmsprop_update",
    [{ms = rho ms + (1 - rho) g^2; w -= lr g / sqrt(ms + epsilon); state = [ms].}],
    (ins F64Attr:$learning_rate, F64Attr:$rho, F64Attr:$epsilon)> {
  let summary = "Keras's RMSprop";
}

#endif // CNN_TRAINING_OPS
