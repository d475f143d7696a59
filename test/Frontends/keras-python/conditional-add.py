# RUN: not cnnc %s --emit=cnn 2>&1 | FileCheck %s
# CHECK: {{.*}}conditional-add.py:9:5: error: 'model.add' is called under a condition that cnnc cannot evaluate
# A layer added under a condition known only at run time.
from tensorflow import keras
from tensorflow.keras import layers
import sys
model = keras.Sequential([layers.Dense(4, input_shape=(8,))])
if '--dropout' in sys.argv:
    model.add(layers.Dropout(0.5))
