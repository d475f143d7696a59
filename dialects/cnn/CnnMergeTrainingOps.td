//===- CnnMergeTrainingOps.td - The merge ops' gradients ------*- tablegen -*-===//
//
// What --cnn-build-train-step writes for cnn.merge and cnn.concatenate: one
// op per input, so that an input no gradient reaches costs nothing.
//
//===----------------------------------------------------------------------===//

#ifndef CNN_MERGE_TRAINING_OPS
#define CNN_MERGE_TRAINING_OPS

def Cnn_MergeGradOp : Cnn_TrainOp<"merge_grad"> {
  let summary = "gradient of a cnn.merge with respect to one of its inputs";
  let description = [{
    `dx_index` for `y = merge kind (x_0, ..., x_n-1)` given `dy`, as
    TensorFlow differentiates Keras's left-to-right loop: add `dy`;
    subtract `dy` and `-dy`; average `dy / n`; multiply `dy` times the other
    inputs; maximum and minimum `dy` where the input is the one the loop
    kept (on a tie the earlier input, as tf.maximum's gradient gives it to
    its first operand), else 0. Summed over the dimensions along which the
    input was broadcast, so the result has the input's type.

    ```mlir
    %dx = cnn.merge_grad maximum index = 1 %dy, %a, %b
        : (tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x1xf32>) -> tensor<?x1xf32>
    ```
  }];
  let arguments = (ins Cnn_MergeKind:$kind, I64Attr:$index,
                       Cnn_Tensor:$output_grad, Variadic<Cnn_Tensor>:$inputs);
  let results = (outs Cnn_Tensor:$input_grad);
  let assemblyFormat = [{
    $kind `index` `=` $index $output_grad `,` $inputs attr-dict `:`
    functional-type(operands, results)
  }];
}

def Cnn_ConcatenateGradOp : Cnn_TrainOp<"concatenate_grad"> {
  let summary = "gradient of a cnn.concatenate with respect to one input";
  let description = [{
    The input's slice of `dy`: `offset` onwards along `axis` (counted from
    the front, never the batch), as long as the result type says.

    ```mlir
    %dx = cnn.concatenate_grad %dy axis = 3 offset = 4
        : (tensor<?x8x8x6xf32>) -> tensor<?x8x8x2xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$output_grad, I64Attr:$axis,
                       I64Attr:$offset);
  let results = (outs Cnn_Tensor:$input_grad);
  let assemblyFormat = [{
    $output_grad `axis` `=` $axis `offset` `=` $offset attr-dict `:`
    functional-type(operands, results)
  }];
}

#endif // CNN_MERGE_TRAINING_OPS
