# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}layer-norm-axis.py:11:5: error: LayerNormalization axis -4 is out of range for input (None, 8, 8){{$}}
# CHECK-NOT: {{.}}
# LayerNormalization's axes are counted from the batch (0), negative from
# the end; Keras refuses one the input lacks ("Invalid axis").
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    keras.Input(shape=(8, 8)),
    layers.LayerNormalization(axis=-4),
])
