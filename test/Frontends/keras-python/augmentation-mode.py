# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}augmentation-mode.py:10:30: error: unknown mode 'diagonal' (Keras has 'horizontal', 'vertical' and 'horizontal_and_vertical'){{$}}
# CHECK-NOT: {{.}}
# The experimental.preprocessing path of tf.keras 2.x names the same
# layer; its mode is checked as Keras does.
import tensorflow as tf
from tensorflow.keras.layers.experimental import preprocessing
model = tf.keras.Sequential([
    tf.keras.Input(shape=(8, 8, 1)),
    preprocessing.RandomFlip("diagonal"),
])
