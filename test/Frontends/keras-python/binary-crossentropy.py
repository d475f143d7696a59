# RUN: cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: cnn.training = #cnn.training<loss = binary_crossentropy, from_logits = true, optimizer = #cnn.optimizer<adam>, metrics = ["accuracy"]>
# binary_crossentropy as a loss object, with from_logits.
import tensorflow as tf
from tensorflow.keras import layers
model = tf.keras.Sequential([layers.Dense(1, input_shape=(4,))])
model.compile(optimizer='adam', loss=tf.keras.losses.BinaryCrossentropy(from_logits=True), metrics=['accuracy'])
