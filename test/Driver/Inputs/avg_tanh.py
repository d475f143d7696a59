# Average pooling and tanh, three channels, strides and 'same' padding: a
# model unlike the lesson's in every layer the memory plan sees.
from keras import Sequential
from keras.layers import AveragePooling2D, Conv2D, Dense, Flatten

model = Sequential()
model.add(Conv2D(8, (3, 3), activation='tanh', input_shape=(20, 20, 3)))
model.add(AveragePooling2D((2, 2), padding='same'))
model.add(Conv2D(16, (3, 3), strides=2, padding='same', activation='tanh'))
model.add(AveragePooling2D((2, 2)))
model.add(Flatten())
model.add(Dense(24, activation='tanh'))
model.add(Dense(5, activation='softmax'))
