//===- CnnMergeOps.td - Keras's merge layers as cnn ops -------*- tablegen -*-===//
//
// The ops that take several activations: what makes a model a graph rather
// than a chain. Keras's Add, Subtract, Multiply, Average, Maximum and
// Minimum are one op, `cnn.merge`, told apart by its kind (they share the
// shape rule and the lowering's structure); Concatenate is `cnn.concatenate`.
//
//===----------------------------------------------------------------------===//

#ifndef CNN_MERGE_OPS
#define CNN_MERGE_OPS

def Cnn_MergeKind : I32EnumAttr<"MergeKind",
    "the elementwise combination of a Keras merge layer", [
    I32EnumAttrCase<"add", 0>,
    I32EnumAttrCase<"subtract", 1>,
    I32EnumAttrCase<"multiply", 2>,
    I32EnumAttrCase<"average", 3>,
    I32EnumAttrCase<"maximum", 4>,
    I32EnumAttrCase<"minimum", 5>
  ]> {
  let cppNamespace = "::mlir::cnn";
}

def Cnn_MergeOp : Cnn_Op<"merge"> {
  let summary = "Keras Add, Subtract, Multiply, Average, Maximum, Minimum";
  let description = [{
    Combines two or more activations elementwise, left to right as Keras
    does (`((x0 + x1) + x2)`; `average` is that sum times 1/n; `subtract`
    takes exactly two). The inputs have one rank; along each dimension after
    the batch they have one size, or 1, which broadcasts (Keras's
    `_compute_elemwise_op_output_shape`).

    ```mlir
    %y = cnn.merge add %a, %b
        : (tensor<?x8x8x4xf32>, tensor<?x8x8x4xf32>) -> tensor<?x8x8x4xf32>
    %z = cnn.merge maximum %a, %c
        : (tensor<?x8x8x4xf32>, tensor<?x1x1x4xf32>) -> tensor<?x8x8x4xf32>
    ```
  }];
  let arguments = (ins Cnn_MergeKind:$kind, Variadic<Cnn_Tensor>:$inputs);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $kind $inputs attr-dict `:` functional-type(operands, results)
  }];
}

def Cnn_ConcatenateOp : Cnn_Op<"concatenate"> {
  let summary = "Keras Concatenate: activations joined along one axis";
  let description = [{
    Joins two or more activations of one rank along `axis` (negative counts
    from the end, as in Keras; never the batch). Every other dimension is
    the same in all inputs.

    ```mlir
    %y = cnn.concatenate %a, %b axis = -1
        : (tensor<?x8x8x4xf32>, tensor<?x8x8x2xf32>) -> tensor<?x8x8x6xf32>
    ```
  }];
  let arguments = (ins Variadic<Cnn_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $inputs `axis` `=` $axis attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// The axis counted from the front, in [1, rank).
    int64_t getPositiveAxis() {
      int64_t axis = getAxis();
      return axis < 0 ? axis + getType().getRank() : axis;
    }
  }];
}

#endif // CNN_MERGE_OPS
