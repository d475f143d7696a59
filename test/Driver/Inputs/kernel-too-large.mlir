func.func @forward(%x: tensor<?x3x3x1xf32>, %k: tensor<5x5x1x8xf32>) -> tensor<?x1x1x8xf32> {
  %0 = cnn.conv2d %x, %k strides = [1, 1] dilation = [1, 1] padding = valid : (tensor<?x3x3x1xf32>, tensor<5x5x1x8xf32>) -> tensor<?x1x1x8xf32>
  return %0 : tensor<?x1x1x8xf32>
}
