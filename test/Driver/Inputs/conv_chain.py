# A chain of DEPTH same-padded 3x3 convolutions with relu, then a classifier:
# depth and nothing else (bench/compile-time times the same chain).
#   python3 conv_chain.py DEPTH [SIZE] > chain.py   (SIZE x SIZE x 1 images, 12)
import sys

depth = int(sys.argv[1])
size = int(sys.argv[2]) if len(sys.argv) > 2 else 12
print('from keras import Sequential')
print('from keras.layers import Conv2D, Dense, Flatten')
print('model = Sequential()')
print("model.add(Conv2D(8, 3, padding='same', activation='relu', input_shape=(%d, %d, 1)))" % (size, size))
for _ in range(depth - 1):
    print("model.add(Conv2D(8, 3, padding='same', activation='relu'))")
print('model.add(Flatten())')
print("model.add(Dense(10, activation='softmax'))")
