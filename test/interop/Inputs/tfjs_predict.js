// TF.js's prediction with a model.json from disk (a cnnc export, say).
//
// usage: tfjs_predict.js MODEL.json X.npy OUT.npy [--same-weights-as OTHER.json]
// --same-weights-as: also require that the model's weights are OTHER's,
// bit for bit and in the same order (an export must not round them).
'use strict';
const {tf, readNpy, writeNpy, loadModelFile} = require('./tfjs.js');

async function main() {
  const [file, xFile, outFile, flag, other] = process.argv.slice(2);
  const model = await loadModelFile(file);
  const x = readNpy(xFile);
  const y = model.predict(tf.tensor(x.data, x.shape));
  writeNpy(outFile, y.shape, y.dataSync());
  if (flag === '--same-weights-as') {
    const want = (await loadModelFile(other)).getWeights();
    const got = model.getWeights();
    if (got.length !== want.length)
      throw new Error(`${got.length} weights, ${other} has ${want.length}`);
    got.forEach((w, i) => {
      const a = w.dataSync(), b = want[i].dataSync();
      if (w.shape.join() !== want[i].shape.join() || a.some((v, j) => !Object.is(v, b[j])))
        throw new Error(`weight ${i} (${w.name}, shape ${w.shape}) differs from ${other}'s (${want[i].shape})`);
    });
  }
}
main().catch((e) => { console.error('tfjs_predict.js: ' + (e.message || e)); process.exit(1); });
