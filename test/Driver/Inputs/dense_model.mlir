// One Dense layer: the smallest model whose result is a single linalg op.
module attributes {cnn.model_name = "dense"} {
  func.func @forward(%x: tensor<?x4xf32>,
                     %k: tensor<4x2xf32> {cnn.param = "dense/kernel"},
                     %b: tensor<2xf32> {cnn.param = "dense/bias"}) -> tensor<?x2xf32> {
    %0 = cnn.dense %x, %k, %b : (tensor<?x4xf32>, tensor<4x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
    return %0 : tensor<?x2xf32>
  }
}
