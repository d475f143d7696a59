// Functional models with two inputs, where Keras's layer order (and so its
// summary's rows) puts the second input after the layers deeper than it:
//   late_aux:  an image through two convolutions and a pooling, a vector
//              input joining at the concatenation;
//   late_both: the vector input first in the model's inputs, joining late.
// Prints each model's layers in TF.js's model.layers order, which is
// Keras's (both port keras/engine/functional.py's _map_graph_network), and
// writes DIR/<model>.json, its topology, for cnnc to summarize.
//
// usage: tfjs_input_rows.js DIR
'use strict';
const fs = require('fs');
const path = require('path');
const {tf} = require('../../interop/Inputs/tfjs.js');

const L = tf.layers;

function build(name, auxFirst) {
  const image = tf.input({shape: [8, 8, 1], name: 'image'});
  const aux = tf.input({shape: [3], name: 'aux'});
  let x = L.conv2d({filters: 2, kernelSize: 3, activation: 'relu', name: 'c1'}).apply(image);
  x = L.conv2d({filters: 2, kernelSize: 3, name: 'c2'}).apply(x);
  x = L.globalAveragePooling2d({name: 'pool'}).apply(x);
  const merged = L.concatenate({name: 'merge'}).apply([x, aux]);
  const out = L.dense({units: 4, name: 'out'}).apply(merged);
  return tf.model({inputs: auxFirst ? [aux, image] : [image, aux], outputs: out, name});
}

const dir = process.argv[2];
for (const [name, auxFirst] of [['late_aux', false], ['late_both', true]]) {
  const model = build(name, auxFirst);
  console.log(`${name}: ${model.layers.map((l) => l.name).join(' ')}`);
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(model.toJSON(null, false)));
}
