# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}layer-norm-rms-scaling.py:10:57: error: unsupported 'rms_scaling' value True (only False is supported){{$}}
# CHECK-NOT: {{.}}
# Keras 3's rms_scaling=True is another normalization, refused at it.
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(8, 8, 3)),
    layers.LayerNormalization(epsilon=1e-6, rms_scaling=True),
])
