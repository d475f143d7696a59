# Min pooling, the lesson's third kind: not part of Keras (courses build it as
# -MaxPooling2D(-x)); cnnc has it as MinPooling2D, with MaxPooling2D's signature.
from keras.models import Sequential
from keras.layers import *

model = Sequential(name='min_pooling')
model.add(Conv2D(32, kernel_size=(3, 3), activation='relu', input_shape=(28, 28, 1)))
model.add(MinPooling2D(pool_size=(2, 2)))
model.add(Conv2D(32, kernel_size=(3, 3), activation='relu'))
model.add(MinPooling2D(2))
model.add(Flatten())
model.add(Dense(10, activation='softmax'))
