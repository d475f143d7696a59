# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}unknown-keyword.py:6:47: error: unknown keyword argument 'stride' to 'Conv2D'
# A keyword the layer's signature does not have.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Conv2D(8, 3, stride=2)])
