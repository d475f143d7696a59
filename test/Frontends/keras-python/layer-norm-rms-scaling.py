# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{^}}{{.*}}layer-norm-rms-scaling.py:10:48: error: {{.*}}rms_scaling{{.*}}
# CHECK-NOT: {{.}}
# Keras 3's rms_scaling=True is another normalization, refused at it.
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(8, 8, 3)),
    layers.LayerNormalization(epsilon=1e-6, rms_scaling=True),
])
