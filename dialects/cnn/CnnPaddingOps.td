//===- CnnPaddingOps.td - A padded buffer's border ------------*- tablegen -*-===//
//
// Not a Keras layer: an op of the lowering. --cnn-pad-in-place turns a
// constant tensor.pad into a padded tensor whose interior the producer
// writes in place and whose border this op fills. One op for the whole
// border, rather than a fill per strip, because bufferization's subset
// analysis compares every extract/insert pair of a buffer with every
// other: four strips per pad made that analysis the largest cost per
// layer of a deep model (docs/compiler.md, "Cost per layer").
//
//===----------------------------------------------------------------------===//

#ifndef CNN_PADDING_OPS
#define CNN_PADDING_OPS

def Cnn_FillBorderOp : Op<Cnn_Dialect, "fill_border", [
    Pure, AllTypesMatch<["dest", "result"]>,
    TypesMatchWith<"the value is of the tensor's element type", "dest",
                   "value",
                   "::llvm::cast<::mlir::ShapedType>($_self).getElementType()">
  ]> {
  let summary = "a tensor with its border set to a value, its interior kept";
  let description = [{
    The result is `dest` with every element less than `low[d]` from the
    start of a dimension d, or less than `high[d]` from its end, set to
    `value`; the interior is `dest`'s. Only static dimensions have a border.
    Bufferized in place, it is a `linalg.fill` of each border strip of
    `dest`'s buffer (dialects/cnn/BufferizableOpInterfaceImpl.cpp), so the
    interior's bytes are never touched.

    ```mlir
    %b = cnn.fill_border %zero into %e low = [0, 1, 1, 0] high = [0, 1, 1, 0]
        : tensor<?x30x30x8xf32>
    ```
  }];
  let arguments = (ins AnyType:$value, AnyRankedTensor:$dest,
                       DenseI64ArrayAttr:$low, DenseI64ArrayAttr:$high);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $value `into` $dest `low` `=` $low `high` `=` $high attr-dict
    `:` type($dest)
  }];
  let hasVerifier = 1;
}

#endif // CNN_PADDING_OPS
