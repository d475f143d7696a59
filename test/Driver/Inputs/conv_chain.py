# A chain of DEPTH same-padded 3x3 convolutions with relu, then a classifier:
# depth and nothing else (bench/compile-time times the same chain).
#   python3 conv_chain.py DEPTH > chain.py
import sys

depth = int(sys.argv[1])
print('from keras import Sequential')
print('from keras.layers import Conv2D, Dense, Flatten')
print('model = Sequential()')
print("model.add(Conv2D(8, 3, padding='same', activation='relu', input_shape=(12, 12, 1)))")
for _ in range(depth - 1):
    print("model.add(Conv2D(8, 3, padding='same', activation='relu'))")
print('model.add(Flatten())')
print("model.add(Dense(10, activation='softmax'))")
