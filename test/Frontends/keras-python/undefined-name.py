# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}undefined-name.py:6:40: error: use of undefined name 'num_classes'
# A layer argument that names nothing.
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([layers.Dense(num_classes)])
