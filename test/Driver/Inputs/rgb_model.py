# A small model on 20x20 RGB images, for the image-file tests.
from keras import Sequential
from keras.layers import Conv2D, Dense, Flatten, MaxPooling2D

model = Sequential()
model.add(Conv2D(4, (3, 3), activation='relu', input_shape=(20, 20, 3)))
model.add(MaxPooling2D((2, 2)))
model.add(Flatten())
model.add(Dense(5, activation='softmax'))
