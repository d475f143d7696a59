# RUN: cnnc %s --emit=cnn 2>&1 | FileCheck %s
# Every Python form: l2(...), regularizers.L1L2(l1=, l2=), tf.keras's
# l1_l2(...), the strings (Keras's default factor 0.01), on Conv2D, Dense
# and the convolution variants.
# CHECK: cnn.param = "conv2d/kernel", cnn.regularizer = {l1 = 0.000000e+00 : f64, l2 = 1.000000e-04 : f64}
# CHECK-SAME: cnn.param = "conv2d/bias", cnn.regularizer = {l1 = 1.000000e-02 : f64, l2 = 0.000000e+00 : f64}
# CHECK-SAME: cnn.param = "separable_conv2d/depthwise_kernel", cnn.regularizer = {l1 = 1.000000e-02 : f64, l2 = 1.000000e-02 : f64}
# CHECK-SAME: cnn.param = "separable_conv2d/pointwise_kernel", cnn.regularizer = {l1 = 0.000000e+00 : f64, l2 = 1.000000e-02 : f64}
# CHECK-SAME: cnn.param = "depthwise_conv2d/depthwise_kernel", cnn.regularizer = {l1 = 1.000000e-03 : f64, l2 = 0.000000e+00 : f64}
# CHECK-SAME: cnn.param = "dense/kernel", cnn.regularizer = {l1 = 1.000000e-05 : f64, l2 = 1.000000e-04 : f64}
# CHECK: cnn.relu {{.*}}cnn.activity_regularizer = {l1 = 1.000000e-05 : f64, l2 = 1.000000e-03 : f64}
# Export writes them back (as L1L2), and each format reads them again.
# RUN: rm -rf %t && mkdir -p %t
# RUN: cnnc export %s --format tfjs -o %t/web && cnnc %t/web/model.json --emit=cnn | FileCheck %s
# RUN: cnnc export %s --format h5 -o %t/m.h5 && cnnc %t/m.h5 --emit=cnn | FileCheck %s
# RUN: cnnc export %s --format keras -o %t/m.keras && cnnc %t/m.keras --emit=cnn | FileCheck %s
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers, regularizers
from tensorflow.keras.regularizers import l2
model = keras.Sequential([
    layers.Conv2D(4, 3, activation='relu', input_shape=(12, 12, 1), kernel_regularizer=l2(1e-4), bias_regularizer='l1'),
    layers.SeparableConv2D(4, 3, depthwise_regularizer='l1_l2', pointwise_regularizer='l2'),
    layers.DepthwiseConv2D(3, depthwise_regularizer=regularizers.l1(1e-3)),
    layers.Flatten(),
    layers.Dense(4, activation='relu', kernel_regularizer=keras.regularizers.L1L2(l1=1e-5, l2=1e-4),
                 activity_regularizer=tf.keras.regularizers.l1_l2(l1=1e-5, l2=1e-3)),
])
