# More chains for the fused-vs-unfused comparison: a 'same' stride-1 conv
# into a min pool with default strides, and a 'same' avg pool whose last
# window is partly padding (its count excludes the padding).
from keras.models import Sequential
from keras.layers import *

model = Sequential(name='fusion_combinations_2')
model.add(Conv2D(16, 3, padding='same', activation='relu', input_shape=(28, 28, 1)))   # 28
model.add(MinPooling2D(pool_size=3))                                                  # 9
model.add(Conv2D(16, 3, padding='same', activation='relu'))                           # 9
model.add(AveragePooling2D(pool_size=2, padding='same'))                              # 5
model.add(Flatten())
model.add(Dense(10, activation='softmax'))
