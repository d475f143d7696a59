// Loads a model.json as tf.loadLayersModel does, trainingConfig included
// (TF.js then compiles the model), and prints the optimizer and loss it
// compiled with:  tfjs_compile.js MODEL.json
const {loadModelFile} = require('./tfjs.js');

(async () => {
  const model = await loadModelFile(process.argv[2]);
  const optimizer = model.optimizer;
  const config = optimizer.getConfig();
  const settings = Object.keys(config).sort().map(k => `${k}=${config[k]}`);
  console.log(`optimizer ${optimizer.getClassName()} ${settings.join(' ')}`);
  console.log(`loss ${model.loss}`);
})().catch(e => { console.log(`ERROR ${e.message}`); process.exit(1); });
