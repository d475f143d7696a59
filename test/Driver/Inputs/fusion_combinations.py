# Conv -> relu -> pool chains with every kind of stride, padding and
# dilation, for checking that fusion and tiling keep the chain's semantics.
from keras.models import Sequential
from keras.layers import *

model = Sequential(name='fusion_combinations')
# 'same' conv with stride 2 (28 -> 14), 'same' max pool 3 with stride 2 (-> 7).
model.add(Conv2D(8, 3, strides=2, padding='same', activation='relu', input_shape=(28, 28, 1)))
model.add(MaxPooling2D(pool_size=3, strides=2, padding='same'))
# Dilated 2x2 conv, dilation 2 (spans 3: 7 -> 5), overlapping avg pool 2
# with stride 1 (-> 4).
model.add(Conv2D(8, 2, dilation_rate=2, activation='relu'))
model.add(AveragePooling2D(pool_size=2, strides=1))
model.add(Flatten())
model.add(Dense(10, activation='softmax'))
