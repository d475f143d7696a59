# A model small enough to compute by hand, with constant weights so that
# the JIT (`cnnc predict`, from the initializers) and an AOT object (weights
# filled in by the C program) can be checked against the same numbers.
# Conv -> relu -> avg pool is fused, so this also runs the fused path.
from keras.models import Sequential
from keras.layers import Conv2D, AveragePooling2D, Flatten, Dense
from keras.initializers import Constant

model = Sequential(name='tiny')
model.add(Conv2D(2, kernel_size=(3, 3), activation='relu', input_shape=(4, 4, 1),
                 kernel_initializer='ones', bias_initializer=Constant(-50.0)))
model.add(AveragePooling2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dense(2, kernel_initializer=Constant(0.5), bias_initializer=Constant(0.125)))
