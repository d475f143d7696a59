//===- CnnQuantOps.td - int8 inference ------------------------*- tablegen -*-===//
//
// The three ops --cnn-quantize-int8 makes of a conv2d or dense layer that a
// `cnnc quantize` file runs in int8 (docs/compiler.md, "int8 inference").
// Codes are integers held in f32, so that the layer between them is the
// f32 op on exact integer sums. Included by CnnOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef CNN_QUANT_OPS
#define CNN_QUANT_OPS

def Cnn_QuantizeInputOp : Cnn_Op<"quantize_input"> {
  let summary = "an activation's uint8 code minus its zero point";
  let description = [{
    `y = clamp(rint(x * (1 / scale)) + zero_point, 0, 255) - zero_point`,
    rint rounding half to even, 1 / scale and the product in f32.

    ```mlir
    %q = cnn.quantize_input %x scale = 0.0039215689 zero_point = 0
        : tensor<?x28x28x1xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, F32Attr:$scale, I64Attr:$zero_point);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $input `scale` `=` $scale `zero_point` `=` $zero_point attr-dict `:`
    type($input)
  }];
}

def Cnn_QuantizeKernelOp : Cnn_Op<"quantize_kernel"> {
  let summary = "a kernel's int8 codes, one scale per output channel";
  let description = [{
    `y[..., c] = clamp(rint(K[..., c] * (1 / scales[c])), -127, 127)`, c the
    last dimension. A kernel that is codes times its scales (what a `cnnc
    quantize` file dequantizes to) gets its codes back exactly.

    ```mlir
    %c = cnn.quantize_kernel %k scales = [0.01, 0.02]
        : tensor<3x3x1x2xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$kernel, DenseF32ArrayAttr:$scales);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = "$kernel `scales` `=` $scales attr-dict `:` type($kernel)";
}

def Cnn_DequantizeOp : Cnn_Op<"dequantize"> {
  let summary = "integer sums back to f32, per output channel, plus bias";
  let description = [{
    `y[..., c] = a[..., c] * multipliers[c] (+ bias[c])`, in f32, c the last
    dimension; multipliers[c] = the input's scale times the kernel's
    scale of channel c.

    ```mlir
    %y = cnn.dequantize %a bias %b multipliers = [1.0e-4, 2.0e-4]
        : (tensor<?x26x26x2xf32>, tensor<2xf32>) -> tensor<?x26x26x2xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, Optional<Cnn_Tensor>:$bias,
                       DenseF32ArrayAttr:$multipliers);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $input (`bias` $bias^)? `multipliers` `=` $multipliers attr-dict `:`
    functional-type(operands, results)
  }];
}

#endif // CNN_QUANT_OPS
