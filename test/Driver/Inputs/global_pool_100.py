# A global pooling over 100x100: 10,000 cells per channel to reduce.
from keras import Sequential
from keras.layers import Conv2D, Dense, GlobalAveragePooling2D

model = Sequential()
model.add(Conv2D(8, 3, padding='same', activation='relu', input_shape=(100, 100, 3)))
model.add(GlobalAveragePooling2D())
model.add(Dense(10, activation='softmax'))
