# binary_crossentropy trains against class labels 0 and 1, which need one
# output: another output shape is one located error, at the last layer.
# RUN: rm -rf %t && mkdir -p %t
# RUN: %python %S/Inputs/mnist_subset.py %mnist %t/mnist 64 10
# RUN: %python %S/../interop/Inputs/binary_labels.py %t/mnist
# RUN: not cnnc train %s --data %t/mnist --epochs 1 2>&1 | FileCheck %s
# CHECK: {{.*}}train-binary-errors.py:13:11: error: binary_crossentropy trains on class labels 0 and 1, which need one output (Dense(1, activation='sigmoid')), and the model's output is (None, 10)
# CHECK-NOT: error
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten()])
# The loss object form, with from_logits, is read too.
model.add(layers.Dense(10))
model.compile(optimizer='sgd', loss=keras.losses.BinaryCrossentropy(from_logits=True), metrics=['accuracy'])
