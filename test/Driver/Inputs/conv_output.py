# Ends in a convolution: nothing to compare with class labels.
from keras import Sequential
from keras.layers import Conv2D, Input
model = Sequential([Input((28, 28, 1)),
                    Conv2D(4, 3)])
