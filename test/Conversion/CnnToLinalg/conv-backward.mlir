// RUN: cnnc-opt %s -split-input-file --convert-cnn-to-linalg | FileCheck %s

// A strided convolution's input gradient: dy's cells put s apart (zeros
// between), padded for a full correlation, convolved with the kernel
// flipped and with its channel axes swapped (read in the body: tiling
// cannot slice a map with negative coefficients).
// CHECK-LABEL: func.func @conv_input_grad
// CHECK: %[[ZEROS:.*]] = linalg.fill {{.*}} -> tensor<?x5x5x2xf32>
// CHECK: %[[SPREAD:.*]] = tensor.insert_slice %{{.*}} into %[[ZEROS]][0, 0, 0, 0] [%{{.*}}, 3, 3, 2] [1, 2, 2, 1]
// CHECK: %[[PADDED:.*]] = tensor.pad %[[SPREAD]] low[0, 2, 2, 0] high[0, 1, 1, 0]
// CHECK: %[[FLIPPED:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<3x3x2x1xf32>)
// CHECK: tensor.extract %{{.*}} : tensor<3x3x1x2xf32>
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%[[PADDED]], %[[FLIPPED]] : tensor<?x8x8x2xf32>, tensor<3x3x2x1xf32>)
func.func @conv_input_grad(%dy: tensor<?x3x3x2xf32>, %k: tensor<3x3x1x2xf32>) -> tensor<?x6x6x1xf32> {
  %0 = cnn.conv2d_input_grad %dy, %k strides = [2, 2] dilation = [1, 1] padding = same : (tensor<?x3x3x2xf32>, tensor<3x3x1x2xf32>) -> tensor<?x6x6x1xf32>
  return %0 : tensor<?x6x6x1xf32>
}

// -----

// With unit strides and `valid` padding: a loop over the images, and in
// it a loop over the kernel's taps (p, q), each a 1x1 convolution of the
// image's dy accumulated into the window of its dx at (p, q): only the
// products that exist, no padded border, and one image's dx and dy stay
// in cache for all the taps. The kernel's channel axes are swapped once;
// each tap takes its [1, 1, f, c] slice.
// CHECK-LABEL: func.func @conv_input_grad_taps
// CHECK: %[[KT:.*]] = linalg.transpose ins(%arg1 : tensor<2x2x5x3xf32>) outs(%{{.*}} : tensor<2x2x3x5xf32>) permutation = [0, 1, 3, 2]
// CHECK: %[[DX:.*]] = linalg.fill {{.*}} -> tensor<?x5x5x5xf32>
// CHECK: scf.for %[[N:.*]] = %c0 to %{{.*}} step %c1 iter_args(%[[ALL:.*]] = %[[DX]])
// CHECK: %[[DYN:.*]] = tensor.extract_slice %arg0[%[[N]], 0, 0, 0] [1, 4, 4, 3]
// CHECK: %[[DXN:.*]] = tensor.extract_slice %[[ALL]][%[[N]], 0, 0, 0] [1, 5, 5, 5]
// CHECK: scf.for %[[P:.*]] = %c0 to %c2 step %c1 iter_args(%[[A:.*]] = %[[DXN]])
// CHECK: scf.for %[[Q:.*]] = %c0 to %c2 step %c1 iter_args(%[[B:.*]] = %[[A]])
// CHECK: %[[K:.*]] = tensor.extract_slice %[[KT]][%[[P]], %[[Q]], 0, 0] [1, 1, 3, 5]
// CHECK: %[[W:.*]] = tensor.extract_slice %[[B]][0, %{{.*}}, %{{.*}}, 0] [1, 4, 4, 5]
// CHECK: %[[S:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%[[DYN]], %[[K]] : tensor<1x4x4x3xf32>, tensor<1x1x3x5xf32>) outs(%[[W]] : tensor<1x4x4x5xf32>)
// CHECK: tensor.insert_slice %[[S]] into %[[B]][0, %{{.*}}, %{{.*}}, 0] [1, 4, 4, 5]
// CHECK: tensor.insert_slice %{{.*}} into %[[ALL]][%[[N]], 0, 0, 0] [1, 5, 5, 5]
// CHECK-NOT: tensor.pad
func.func @conv_input_grad_taps(%dy: tensor<?x4x4x3xf32>, %k: tensor<2x2x5x3xf32>) -> tensor<?x5x5x5xf32> {
  %0 = cnn.conv2d_input_grad %dy, %k strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x4x4x3xf32>, tensor<2x2x5x3xf32>) -> tensor<?x5x5x5xf32>
  return %0 : tensor<?x5x5x5xf32>
}

// -----

// With several input channels, the kernel gradient is one contraction per
// tap (p, q): the window of x the tap reads (a strided view: the forward
// stride 2 as its step) against dy, over rows and columns, into the tap's
// (c, f) block of the result. The taps are a loop inside a loop over the
// images, so one image's x and dy are read for every tap while they are
// in cache. Nothing is transposed.
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d2, d3, d4, d0)>
// CHECK-DAG: #[[DY:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d2, d3, d4, d1)>
// CHECK-DAG: #[[TAP:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1)>
// CHECK-LABEL: func.func @conv_kernel_grad
// CHECK: %[[CUT:.*]] = tensor.extract_slice %{{.*}}[0, 0, 0, 0] [%{{.*}}, 8, 5, 3] [1, 1, 1, 1]
// CHECK: %[[ZEROS:.*]] = linalg.fill {{.*}} -> tensor<2x3x3x2xf32>
// CHECK: scf.for %[[N:.*]] = %c0 to %{{.*}} step %c1 iter_args(%{{.*}} = %[[ZEROS]])
// CHECK: %[[XN:.*]] = tensor.extract_slice %[[CUT]][%[[N]], 0, 0, 0] [1, 8, 5, 3] [1, 1, 1, 1] : tensor<?x8x5x3xf32> to tensor<1x8x5x3xf32>
// CHECK: %[[DYN:.*]] = tensor.extract_slice %arg1[%[[N]], 0, 0, 0] [1, 4, 2, 2] [1, 1, 1, 1] : tensor<?x4x2x2xf32> to tensor<1x4x2x2xf32>
// CHECK: scf.for %[[P:.*]] = %c0 to %c2 step %c1 iter_args(%{{.*}} = %{{.*}})
// CHECK: scf.for %[[Q:.*]] = %c0 to %c3 step %c1 iter_args(%[[ACC:.*]] = %{{.*}})
// CHECK: %[[WINDOW:.*]] = tensor.extract_slice %[[XN]][0, %{{.*}}, %{{.*}}, 0] [1, 4, 2, 3] [1, 2, 2, 1] : tensor<1x8x5x3xf32> to tensor<1x4x2x3xf32>
// CHECK: %[[BLOCK:.*]] = tensor.extract_slice %[[ACC]][%[[P]], %[[Q]], 0, 0] [1, 1, 3, 2] [1, 1, 1, 1] : tensor<2x3x3x2xf32> to tensor<3x2xf32>
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[X]], #[[DY]], #[[TAP]]], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[WINDOW]], %[[DYN]] : tensor<1x4x2x3xf32>, tensor<1x4x2x2xf32>) outs(%[[BLOCK]] : tensor<3x2xf32>)
// CHECK: tensor.insert_slice %[[SUM]] into %[[ACC]][%[[P]], %[[Q]], 0, 0] [1, 1, 3, 2]
// CHECK-NOT: linalg.transpose
func.func @conv_kernel_grad(%x: tensor<?x9x6x3xf32>, %dy: tensor<?x4x2x2xf32>) -> tensor<2x3x3x2xf32> {
  %0 = cnn.conv2d_kernel_grad %x, %dy strides = [2, 2] dilation = [1, 1] padding = valid : (tensor<?x9x6x3xf32>, tensor<?x4x2x2xf32>) -> tensor<2x3x3x2xf32>
  return %0 : tensor<2x3x3x2xf32>
}

// -----

// With one input channel (a first layer), one loop computes every tap at
// once: a generic with one output per tap, which reads each tap's strided
// window of x and dy's filters once per pixel (6 taps here: 6 products per
// load of dy). The taps' results go to their places in the kernel layout.
// Each window keeps its unit channel and is collapsed: a slice dropping it
// would be ambiguous where rows or columns are 1 too.
// CHECK-DAG: #[[PIXEL:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[DY:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[TAP:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @conv_kernel_grad_one_channel
// CHECK: %[[CUT:.*]] = tensor.extract_slice %arg0[0, 0, 0, 0] [%{{.*}}, 8, 5, 1]
// CHECK: %[[W00:.*]] = tensor.extract_slice %[[CUT]][0, 0, 0, 0] [%{{.*}}, 4, 2, 1] [1, 2, 2, 1] : tensor<?x8x5x1xf32> to tensor<?x4x2x1xf32>
// CHECK: %[[X00:.*]] = tensor.collapse_shape %[[W00]] {{\[}}[0], [1], [2, 3]] : tensor<?x4x2x1xf32> into tensor<?x4x2xf32>
// CHECK: %[[W01:.*]] = tensor.extract_slice %[[CUT]][0, 0, 1, 0] [%{{.*}}, 4, 2, 1] [1, 2, 2, 1]
// CHECK: %[[X01:.*]] = tensor.collapse_shape %[[W01]]
// CHECK: %[[W12:.*]] = tensor.extract_slice %[[CUT]][0, 1, 2, 0] [%{{.*}}, 4, 2, 1] [1, 2, 2, 1]
// CHECK: %[[X12:.*]] = tensor.collapse_shape %[[W12]]
// CHECK: %[[TAPS:.*]]:6 = linalg.generic {indexing_maps = [#[[PIXEL]], #[[PIXEL]], #[[PIXEL]], #[[PIXEL]], #[[PIXEL]], #[[PIXEL]], #[[DY]], #[[TAP]], #[[TAP]], #[[TAP]], #[[TAP]], #[[TAP]], #[[TAP]]], iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%[[X00]], %[[X01]], {{.*}}, %[[X12]], %arg1 :
// CHECK-COUNT-6: arith.mulf
// CHECK: tensor.insert_slice %[[TAPS]]#0 into %{{.*}}[0, 0, 0, 0] [1, 1, 1, 2]
// CHECK: tensor.insert_slice %[[TAPS]]#5 into %{{.*}}[1, 2, 0, 0] [1, 1, 1, 2]
// CHECK-NOT: linalg.transpose
func.func @conv_kernel_grad_one_channel(%x: tensor<?x9x6x1xf32>, %dy: tensor<?x4x2x2xf32>) -> tensor<2x3x1x2xf32> {
  %0 = cnn.conv2d_kernel_grad %x, %dy strides = [2, 2] dilation = [1, 1] padding = valid : (tensor<?x9x6x1xf32>, tensor<?x4x2x2xf32>) -> tensor<2x3x1x2xf32>
  return %0 : tensor<2x3x1x2xf32>
}

// -----

// One input channel with more taps than registers (5x5 taps of 32 filters:
// 50 accumulators): one convolution per image, x[n] as its input and dy[n]
// as its filter, accumulated over the batch; nothing of x or dy is
// transposed, only the small result to the kernel's layout.
// CHECK-LABEL: func.func @conv_kernel_grad_per_image
// CHECK: %[[SUM:.*]] = scf.for %[[N:.*]] = %c0 to %{{.*}} step %c1 iter_args(%[[ACC:.*]] = %{{.*}}) -> (tensor<1x5x5x32xf32>)
// CHECK: %[[IMAGE:.*]] = tensor.extract_slice %arg0[%[[N]], 0, 0, 0] [1, 12, 12, 1]
// CHECK: %[[DYN:.*]] = tensor.extract_slice %arg1[%[[N]], 0, 0, 0] [1, 8, 8, 32] [1, 1, 1, 1] : tensor<?x8x8x32xf32> to tensor<8x8x32xf32>
// CHECK: %[[FILTER:.*]] = tensor.expand_shape %[[DYN]]
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%[[IMAGE]], %[[FILTER]] : tensor<1x12x12x1xf32>, tensor<8x8x1x32xf32>) outs(%[[ACC]] : tensor<1x5x5x32xf32>)
// CHECK: linalg.transpose ins(%[[SUM]] : tensor<1x5x5x32xf32>) outs(%{{.*}} : tensor<5x5x1x32xf32>) permutation = [1, 2, 0, 3]
func.func @conv_kernel_grad_per_image(%x: tensor<?x12x12x1xf32>, %dy: tensor<?x8x8x32xf32>) -> tensor<5x5x1x32xf32> {
  %0 = cnn.conv2d_kernel_grad %x, %dy strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x12x12x1xf32>, tensor<?x8x8x32xf32>) -> tensor<5x5x1x32xf32>
  return %0 : tensor<5x5x1x32xf32>
}
