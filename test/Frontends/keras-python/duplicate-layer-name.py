# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}duplicate-layer-name.py:6:57: error: duplicate layer name 'head'
# Keras requires unique layer names in a model.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dense(4, name='head'), layers.Dense(2, name='head')])
