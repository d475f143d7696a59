# RUN: cnnc %s --emit=cnn | FileCheck %s
# Keras freezes a layer by its attribute, before or after model.add, or
# with the trainable= keyword; `model.trainable = False` would freeze all.
# A frozen BatchNormalization is marked `frozen` (inference mode in
# training too), and every weight of a frozen layer is non-trainable;
# BN's moving statistics are non-trainable anyway.
# CHECK: %arg1: tensor<3x3x1x4xf32> {{{.*}}cnn.param = "conv2d/kernel", cnn.trainable = false}
# CHECK-SAME: "conv2d/bias", cnn.trainable = false}
# CHECK-SAME: "batch_normalization/gamma", cnn.trainable = false}
# CHECK-SAME: "batch_normalization/beta", cnn.trainable = false}
# CHECK-SAME: "batch_normalization/moving_mean", cnn.trainable = false}
# CHECK-SAME: "batch_normalization/moving_variance", cnn.trainable = false}
# CHECK-SAME: "dense/kernel"}
# CHECK-SAME: "dense/bias"}
# CHECK-SAME: "dense_1/kernel", cnn.trainable = false}
# CHECK: cnn.batch_norm {{.*}} frozen {cnn.layer = #cnn.layer<"batch_normalization"
from tensorflow import keras
from tensorflow.keras import layers

conv = layers.Conv2D(4, 3, input_shape=(6, 6, 1))
bn = layers.BatchNormalization()
bn.trainable = False
model = keras.Sequential([conv, bn, layers.Flatten(), layers.Dense(3)])
conv.trainable = False
model.add(layers.Dense(2, trainable=False))
