//===- CnnNormalizationTrainingOps.td - Training a BN ---------*- tablegen -*-===//
//
// What --cnn-build-train-step writes for a trainable BatchNormalization:
// the batch's statistics, the moving averages they update, and the
// backward op through them. The normalization itself is cnn.batch_norm
// with the batch's mean and variance as its statistics. Every statistic is
// per channel (the last axis) over all other axes of the whole batch, every
// chunk's call of the step included: (n, h, w) for images, n for rank-2
// inputs.
//
//===----------------------------------------------------------------------===//

#ifndef CNN_NORMALIZATION_TRAINING_OPS
#define CNN_NORMALIZATION_TRAINING_OPS

def Cnn_BatchMomentsOp : Cnn_TrainOp<"batch_moments"> {
  let summary = "the batch's mean and biased variance per channel";
  let description = [{
    `mean[c] = sum x[..., c] / N`, `variance[c] = sum (x[..., c] - mean[c])^2
    / N` over the N = n * h * w elements of channel c (n for a rank-2
    input) in the whole batch, every chunk's call included (each sum is
    the calls' partial sums through cnn.sum_across_chunks): the biased
    variance, which Keras 3 (`ops.moments`) and TF.js
    normalize with and also fold into the moving variance. The mean is
    subtracted before squaring, so a large mean does not cancel the spread.

    ```mlir
    %mean, %variance = cnn.batch_moments %x
        : (tensor<?x26x26x8xf32>) -> (tensor<8xf32>, tensor<8xf32>)
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input);
  let results = (outs Cnn_Tensor:$mean, Cnn_Tensor:$variance);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Cnn_MovingAverageOp : Cnn_TrainOp<"moving_average",
    [AllTypesMatch<["moving", "batch", "output"]>]> {
  let summary = "Keras's moving-average update of a BN statistic";
  let description = [{
    `moving * momentum + batch * (1 - momentum)`, per element, as Keras 3
    assigns a BatchNormalization's moving mean and variance after a training
    batch. @train_gradients returns it in the statistic's gradient slot,
    whose result carries `cnn.next_value`: the runtime moves it into the
    parameter (docs/compiler.md §5).

    ```mlir
    %m2 = cnn.moving_average %m, %mean momentum = 9.900000e-01 : tensor<8xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$moving, Cnn_Tensor:$batch,
                       F64Attr:$momentum);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $moving `,` $batch `momentum` `=` $momentum attr-dict `:` type($output)
  }];
}

// The results' types are spelled out, not inferred: ODS's inference from
// the operands miscounts them after the optional gamma.
def Cnn_BatchNormGradOp : Cnn_TrainOp<"batch_norm_grad",
    [AllTypesMatch<["input", "output_grad"]>,
     AllTypesMatch<["mean", "variance"]>,
     AllTypesMatch<["beta_grad", "gamma_grad"]>]> {
  let summary = "the gradients of a training-mode batch_norm";
  let description = [{
    For `y = x_hat * gamma + beta`, `x_hat = (x - mean) * s`, `s = 1 /
    sqrt(variance + epsilon)`, with the batch's `mean` and `variance`
    (cnn.batch_moments of `x`):

    - `beta_grad[c] = sum dy[..., c]` and `gamma_grad[c] = sum dy[..., c] *
      x_hat[..., c]` over this call's images: its share of the parameters'
      gradients, as every parameter gradient of @train_gradients is;
    - `input_grad = gamma * s / N * (N * dy - B - x_hat * G)` (gamma 1 when
      absent, `scale=False`), the gradient through the batch's statistics,
      where B and G are the same two sums and N the elements per channel
      over the whole batch (every chunk's call: cnn.sum_across_chunks).

    One op, because both gradients need the same two sums: they are
    computed once. The input gradient costs nothing when it is unused (a
    BN on the model's input).

    ```mlir
    %dbeta, %dgamma, %dx = cnn.batch_norm_grad %x, %dy gamma %g mean %m
        variance %v epsilon = 1.000000e-03
        : (tensor<?x26x26x8xf32>, tensor<?x26x26x8xf32>, tensor<8xf32>,
           tensor<8xf32>, tensor<8xf32>)
        -> (tensor<8xf32>, tensor<8xf32>, tensor<?x26x26x8xf32>)
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, Cnn_Tensor:$output_grad,
                       Optional<Cnn_Tensor>:$gamma, Cnn_Tensor:$mean,
                       Cnn_Tensor:$variance, F64Attr:$epsilon);
  let results = (outs Cnn_Tensor:$beta_grad, Cnn_Tensor:$gamma_grad,
                      Cnn_Tensor:$input_grad);
  let assemblyFormat = [{
    $input `,` $output_grad (`gamma` $gamma^)? `mean` $mean `variance`
    $variance `epsilon` `=` $epsilon attr-dict `:`
    functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// LayerNormalization: per-sample statistics, so no moving averages; the two
// backward ops recompute each sample's mean and variance from `input`.
//===----------------------------------------------------------------------===//

def Cnn_LayerNormParamGradOp : Cnn_TrainOp<"layer_norm_param_grad",
    [AllTypesMatch<["input", "output_grad"]>]> {
  let summary = "beta's and gamma's gradients of a layer_norm";
  let description = [{
    For `y = x_hat * gamma + beta`, `x_hat` the sample's normalized input
    over the axes `axis` .. rank - 1: `beta_grad = sum dy` and `gamma_grad =
    sum dy * x_hat` over the leading axes (the batch and any axis before
    `axis`), each of the normalized axes' shape.

    ```mlir
    %dbeta, %dgamma = cnn.layer_norm_param_grad %x, %dy axis = 3
        epsilon = 1.000000e-03
        : (tensor<?x26x26x8xf32>, tensor<?x26x26x8xf32>)
        -> (tensor<8xf32>, tensor<8xf32>)
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, Cnn_Tensor:$output_grad,
                       I64Attr:$axis, F64Attr:$epsilon);
  let results = (outs Cnn_Tensor:$beta_grad, Cnn_Tensor:$gamma_grad);
  let assemblyFormat = [{
    $input `,` $output_grad `axis` `=` $axis `epsilon` `=` $epsilon attr-dict
    `:` functional-type(operands, results)
  }];
}

def Cnn_LayerNormInputGradOp : Cnn_TrainOp<"layer_norm_input_grad",
    [AllTypesMatch<["input", "output_grad", "input_grad"]>]> {
  let summary = "input gradient of a layer_norm";
  let description = [{
    The gradient through the sample's statistics: with `r = 1 /
    sqrt(variance + epsilon)`, `g = gamma * dy` (gamma 1 when absent) and
    means over the sample's K normalized elements, `dx = r * (g - mean(g) -
    x_hat * mean(g * x_hat))`.

    ```mlir
    %dx = cnn.layer_norm_input_grad %x, %dy gamma %g axis = 3
        epsilon = 1.000000e-03
        : (tensor<?x26x26x8xf32>, tensor<?x26x26x8xf32>, tensor<8xf32>)
        -> tensor<?x26x26x8xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, Cnn_Tensor:$output_grad,
                       Optional<Cnn_Tensor>:$gamma, I64Attr:$axis,
                       F64Attr:$epsilon);
  let results = (outs Cnn_Tensor:$input_grad);
  let assemblyFormat = [{
    $input `,` $output_grad (`gamma` $gamma^)? `axis` `=` $axis
    `epsilon` `=` $epsilon attr-dict `:` functional-type(operands, results)
  }];
}

#endif // CNN_NORMALIZATION_TRAINING_OPS
