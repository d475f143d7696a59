from keras import Sequential
from keras.layers import Conv2D, Dense, Flatten, MinPooling2D

model = Sequential()
model.add(Conv2D(4, 3, input_shape=(8, 8, 1)))
model.add(MinPooling2D(2))
model.add(Flatten())
model.add(Dense(3))
