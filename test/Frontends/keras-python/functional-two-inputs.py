# RUN: rm -rf %t && split-file %s %t
# keras.Model(inputs=[a, b], ...): @forward takes the inputs in that order.
# tf.keras names an unnamed keras.Input when it is made (input_1, input_2,
# ...), so the first input here, made second, is input_2.
# RUN: cnnc %t/list.py --emit=cnn | FileCheck %s --check-prefix=LIST
# LIST: func.func @forward(%{{.*}}: tensor<?x6x6x1xf32> {cnn.input = "input_2"}, %{{.*}}: tensor<?x3xf32> {cnn.input = "input_1"}, 
# LIST: cnn.concatenate
# Model([a, b], out), positionally, with named inputs.
# RUN: cnnc %t/positional.py --emit=cnn | FileCheck %s --check-prefix=POS
# POS: func.func @forward(%{{.*}}: tensor<?x3xf32> {cnn.input = "a"}, %{{.*}}: tensor<?x2xf32> {cnn.input = "b"}, 
# A dict of inputs is in Keras's order, by sorted key (tf.nest, optree).
# RUN: cnnc %t/dict.py --emit=cnn | FileCheck %s --check-prefix=DICT
# DICT: func.func @forward(%{{.*}}: tensor<?x2xf32> {cnn.input = "extra"}, %{{.*}}: tensor<?x3xf32> {cnn.input = "vec"}, 
# The same input twice, and two inputs of one name: one located error each.
# RUN: not cnnc %t/twice.py --emit=cnn 2>&1 | FileCheck %s --check-prefix=TWICE
# TWICE: {{^}}{{.*}}twice.py:3:5: error: this input is given twice among the model's inputs{{$}}
# RUN: not cnnc %t/same-name.py --emit=cnn 2>&1 | FileCheck %s --check-prefix=NAME
# NAME: {{^}}{{.*}}same-name.py:4:5: error: two of the model's inputs are named 'x'{{$}}
# RUN: not cnnc %t/not-tensors.py --emit=cnn 2>&1 | FileCheck %s --check-prefix=NOT
# NOT: {{^}}{{.*}}not-tensors.py:5:22: error: 'inputs' must be a Keras tensor or a list of them (or a dict), not {{.*}}

#--- list.py
from tensorflow import keras
from tensorflow.keras import layers
aux = keras.Input(shape=(3,))
image = keras.Input(shape=(6, 6, 1))
x = layers.Flatten()(layers.Conv2D(2, 3, activation='relu')(image))
y = layers.Dense(4, activation='relu')(aux)
out = layers.Dense(3, activation='softmax')(layers.concatenate([x, y]))
model = keras.Model(inputs=[image, aux], outputs=out)
#--- positional.py
from keras.layers import Input, Dense, Concatenate
from keras.models import Model
a = Input(shape=(3,), name='a')
b = Input(shape=(2,), name='b')
out = Dense(2)(Concatenate()([a, b]))
model = Model([a, b], out)
#--- dict.py
from keras.layers import Input, Dense, Concatenate
from keras.models import Model
a = Input(shape=(3,), name='vec')
b = Input(shape=(2,), name='extra')
out = Dense(2)(Concatenate()([a, b]))
model = Model(inputs={'vec': a, 'extra': b}, outputs=out)
#--- twice.py
from keras.layers import Input, Dense, Concatenate
from keras.models import Model
a = Input(shape=(3,))
out = Dense(2)(Concatenate()([a, a]))
model = Model([a, a], out)
#--- same-name.py
from keras.layers import Input, Dense, Concatenate
from keras.models import Model
a = Input(shape=(3,), name='x')
b = Input(shape=(3,), name='x')
out = Dense(2)(Concatenate()([a, b]))
model = Model([a, b], out)
#--- not-tensors.py
from keras.layers import Input, Dense
from keras.models import Model
a = Input(shape=(3,))
out = Dense(2)(a)
model = Model(inputs=3, outputs=out)
