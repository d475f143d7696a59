//===- CnnConvVariantOps.td - Depthwise, transposed, upsampling -*- tablegen -*-===//
//
// The convolution variants of Keras (DepthwiseConv2D, Conv2DTranspose; a
// SeparableConv2D is a depthwise_conv2d followed by a 1x1 conv2d, both
// marked with the one layer) and UpSampling2D, with their backward ops.
// Included by CnnOps.td after the training ops, whose base class the
// backward ops share.
//
//===----------------------------------------------------------------------===//

#ifndef CNN_CONV_VARIANT_OPS
#define CNN_CONV_VARIANT_OPS

//===----------------------------------------------------------------------===//
// Forward ops
//===----------------------------------------------------------------------===//

def Cnn_DepthwiseConv2DOp : Cnn_Op<"depthwise_conv2d"> {
  let summary = "depthwise 2-D convolution (Keras DepthwiseConv2D)";
  let description = [{
    Each input channel c is convolved with its own `mult` filters (Keras's
    depth_multiplier); output channel `c * mult + m` is

      y[n,i,j,c*M+m] = b[c*M+m] + sum_{p,q} x[n, i*s0 + p*d0 - padTop,
                                               j*s1 + q*d1 - padLeft, c] * K[p,q,c,m]

    with K of shape (rows, columns, channels, mult), Keras's layout. Output
    rows and columns follow conv2d's rule.

    ```mlir
    %y = cnn.depthwise_conv2d %x, %k, %b strides = [1, 1] dilation = [1, 1]
        padding = same
        : (tensor<?x8x8x3xf32>, tensor<3x3x3x2xf32>, tensor<6xf32>)
        -> tensor<?x8x8x6xf32>
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

def Cnn_Conv2DTransposeOp : Cnn_Op<"conv2d_transpose"> {
  let summary = "transposed 2-D convolution (Keras Conv2DTranspose)";
  let description = [{
    The input gradient of a conv2d whose kernel is K (rows, columns,
    filters, input channels: Keras's layout) and whose input is the result:
    each input cell scatters K's taps into the output, `strides` apart,
    plus a per-filter bias. Output size per axis is Keras's
    deconv_output_length: without `output_padding`, `valid` gives
    in*s + max(k - s, 0) and `same` gives in*s; with it, `valid` gives
    (in - 1)*s + k + output_padding and `same` (in - 1)*s + k - 2*(k/2) +
    output_padding. `output_padding` must be below the stride.

    ```mlir
    %y = cnn.conv2d_transpose %x, %k, %b strides = [2, 2] padding = same
        : (tensor<?x7x7x8xf32>, tensor<3x3x4x8xf32>, tensor<4xf32>)
        -> tensor<?x14x14x4xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, Cnn_Tensor:$kernel,
                       Optional<Cnn_Tensor>:$bias,
                       DenseI64ArrayAttr:$strides,
                       Cnn_Padding:$padding,
                       OptionalAttr<DenseI64ArrayAttr>:$output_padding);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $kernel (`,` $bias^)? `strides` `=` $strides
    `padding` `=` $padding (`output_padding` `=` $output_padding^)? attr-dict
    `:` functional-type(operands, results)
  }];
}

def Cnn_UpSampling2DOp : Cnn_Op<"upsampling2d"> {
  let summary = "Keras UpSampling2D: rows and columns repeated or interpolated";
  let description = [{
    (N, H, W, C) -> (N, H*size0, W*size1, C). `nearest` (the default)
    repeats each cell: y[n,i,j,c] = x[n, i/size0, j/size1, c]. `bilinear`
    is TensorFlow's resize with half-pixel centres, as Keras 2.x and 3 call
    it: source coordinate (i + 0.5)/size0 - 0.5, clamped below at 0, the
    two neighbours clamped to the image, weighted by the fraction.

    ```mlir
    %y = cnn.upsampling2d %x size = [2, 2] bilinear
        : (tensor<?x7x7x4xf32>) -> tensor<?x14x14x4xf32>
    ```
  }];
  let arguments = (ins Cnn_Tensor:$input, DenseI64ArrayAttr:$size,
                       UnitAttr:$bilinear);
  let results = (outs Cnn_Tensor:$output);
  let assemblyFormat = [{
    $input `size` `=` $size (`bilinear` $bilinear^)? attr-dict
    `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Backward ops
//===----------------------------------------------------------------------===//

def Cnn_DepthwiseConv2DInputGradOp : Cnn_TrainOp<"depthwise_conv2d_input_grad"> {
  let summary = "gradient of depthwise_conv2d with respect to its input";
  let description = [{
    `dx[n,h,w,c] = sum_{m,p,q} dy[n,i,j,c*M+m] * K[p,q,c,m]` over the taps
    where `h = i*s0 + p*d0 - padTop`, `w = j*s1 + q*d1 - padLeft`. The
    result type is the input's.
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

def Cnn_DepthwiseConv2DKernelGradOp : Cnn_TrainOp<"depthwise_conv2d_kernel_grad"> {
  let summary = "gradient of depthwise_conv2d with respect to its kernel";
  let description = [{
    `dK[p,q,c,m] = sum_{n,i,j} x[n, i*s0 + p*d0 - padTop, j*s1 + q*d1 - padLeft, c]
    * dy[n,i,j,c*M+m]`, padded cells reading zero. The result type is the
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

def Cnn_UpSampling2DGradOp : Cnn_TrainOp<"upsampling2d_grad"> {
  let summary = "gradient of a nearest upsampling2d with respect to its input";
  let description = [{
    The transpose of repeating each cell: each size0 x size1 block of dy
    summed. (The bilinear resize has no backward op yet: the training step
    refuses it at its layer.) The result type is the input's.
  }];
  let arguments = (ins Cnn_Tensor:$output_grad, DenseI64ArrayAttr:$size);
  let results = (outs Cnn_Tensor:$input_grad);
  let assemblyFormat = [{
    $output_grad `size` `=` $size attr-dict
    `:` functional-type(operands, results)
  }];
}

#endif // CNN_CONV_VARIANT_OPS
