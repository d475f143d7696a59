//===- CnnNormalizationOps.td - BatchNormalization ------------*- tablegen -*-===//
//
// Keras's BatchNormalization and the two ops --cnn-fold-batch-norm makes to
// fold an inference-mode batch_norm into the convolution or dense layer
// before it; Keras's LayerNormalization. Included by CnnOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef CNN_NORMALIZATION_OPS
#define CNN_NORMALIZATION_OPS

def Cnn_BatchNormOp : Cnn_Op<"batch_norm", [AttrSizedOperandSegments]> {
  let summary = "Keras BatchNormalization on the last (channel) axis";
  let description = [{
    Inference: `y = (x - moving_mean[c]) / sqrt(moving_variance[c] + epsilon)
    * gamma[c] + beta[c]` along the last axis, epsilon inside the root as in
    Keras. `gamma` is absent for `scale=False`, `beta` for `center=False`.
    Each parameter has the input's last dimension as its one dimension.

    `momentum` is Keras's moving-average factor, kept for the training step
    (`moving = moving * momentum + batch * (1 - momentum)`). `frozen` marks
    a layer with `trainable=False`: it runs in inference mode in training
    too, as Keras 2.x and 3 do.

    ```mlir
    %y = cnn.batch_norm %x gamma %g beta %b mean %m variance %v
        epsilon = 1.000000e-03 momentum = 9.900000e-01
        : (tensor<?x26x26x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>,
           tensor<8xf32>) -> tensor<?x26x26x8xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, Optional<Cnn_Tensor>:$gamma,
                       Optional<Cnn_Tensor>:$beta, Cnn_Tensor:$moving_mean,
                       Cnn_Tensor:$moving_variance, F64Attr:$epsilon,
                       F64Attr:$momentum, UnitAttr:$frozen);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $input (`gamma` $gamma^)? (`beta` $beta^)? `mean` $moving_mean
    `variance` $moving_variance `epsilon` `=` $epsilon
    `momentum` `=` $momentum (`frozen` $frozen^)? attr-dict
    `:` functional-type(operands, results)
  }];
}

def Cnn_FoldBatchNormKernelOp : Cnn_Op<"fold_batch_norm_kernel"> {
  let summary = "a kernel scaled per output channel by an inference BN";
  let description = [{
    `K'[..., f] = K[..., f] * gamma[f] / sqrt(moving_variance[f] + epsilon)`
    (gamma 1 when absent): a convolution or dense kernel (output channels
    last) whose layer is followed by an inference-mode batch_norm, with the
    normalization's scale folded in. Made by --cnn-fold-batch-norm.

    ```mlir
    %k2 = cnn.fold_batch_norm_kernel %k gamma %g variance %v
        epsilon = 1.000000e-03
        : (tensor<3x3x1x8xf32>, tensor<8xf32>, tensor<8xf32>)
        -> tensor<3x3x1x8xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$kernel, Optional<Cnn_Tensor>:$gamma,
                       Cnn_Tensor:$moving_variance, F64Attr:$epsilon);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $kernel (`gamma` $gamma^)? `variance` $moving_variance
    `epsilon` `=` $epsilon attr-dict `:` functional-type(operands, results)
  }];
}

def Cnn_FoldBatchNormBiasOp : Cnn_Op<"fold_batch_norm_bias",
                                     [AttrSizedOperandSegments]> {
  let summary = "a bias with an inference BN folded in";
  let description = [{
    `b'[f] = (b[f] - moving_mean[f]) * gamma[f] /
    sqrt(moving_variance[f] + epsilon) + beta[f]`, where an absent bias,
    beta are 0 and an absent gamma is 1: the bias of a convolution or dense
    layer that absorbed the batch_norm after it. Made by
    --cnn-fold-batch-norm.

    ```mlir
    %b2 = cnn.fold_batch_norm_bias bias %b gamma %g beta %be mean %m
        variance %v epsilon = 1.000000e-03
        : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>,
           tensor<8xf32>) -> tensor<8xf32>
    ```
  }];
  let arguments = (ins Optional<Cnn_Tensor>:$bias, Optional<Cnn_Tensor>:$gamma,
                       Optional<Cnn_Tensor>:$beta, Cnn_Tensor:$moving_mean,
                       Cnn_Tensor:$moving_variance, F64Attr:$epsilon);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    (`bias` $bias^)? (`gamma` $gamma^)? (`beta` $beta^)? `mean` $moving_mean
    `variance` $moving_variance `epsilon` `=` $epsilon attr-dict
    `:` functional-type(operands, results)
  }];
}

def Cnn_LayerNormOp : Cnn_Op<"layer_norm", [AttrSizedOperandSegments]> {
  let summary = "Keras LayerNormalization over the trailing axes of each sample";
  let description = [{
    Normalizes each sample over its axes `axis` .. rank - 1 (Keras's `axis`
    list, which cnnc takes when it is those trailing axes: `-1`, the
    channels, by default): with `mean` and the biased `variance` of those
    elements, `y = (x - mean) / sqrt(variance + epsilon) * gamma + beta`,
    epsilon inside the root as in Keras. `gamma` (absent for `scale=False`)
    and `beta` (absent for `center=False`) have the input's shape from
    `axis` on. The statistics are the sample's own, in training and
    inference alike: no moving averages, no batch dependence.

    ```mlir
    %y = cnn.layer_norm %x gamma %g beta %b axis = 3 epsilon = 1.000000e-03
        : (tensor<?x26x26x8xf32>, tensor<8xf32>, tensor<8xf32>)
        -> tensor<?x26x26x8xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, Optional<Cnn_Tensor>:$gamma,
                       Optional<Cnn_Tensor>:$beta, I64Attr:$axis,
                       F64Attr:$epsilon);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $input (`gamma` $gamma^)? (`beta` $beta^)? `axis` `=` $axis
    `epsilon` `=` $epsilon attr-dict `:` functional-type(operands, results)
  }];
}

#endif // CNN_NORMALIZATION_OPS
