# A model whose weights could not be allocated is refused before anything is
# allocated or compiled, at the layer that crosses the limit.
# RUN: not cnnc %s --summary 2>&1 | FileCheck %s
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Flatten(),
    # CHECK: {{.*}}too-many-parameters.py:[[@LINE+1]]:5: error: layer 'dense' takes the model to 784000000 parameters; cnnc supports at most 268435456
    layers.Dense(1000000),
    layers.Dense(10),
])
