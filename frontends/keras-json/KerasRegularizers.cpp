//===- KerasRegularizers.cpp - Keras regularizers from JSON ---------------===//
//
// Every form a model file writes a regularizer in: the strings 'l1', 'l2',
// 'l1_l2'; Keras 2's {"class_name": "L2", "config": {"l2": 0.01}} (and
// L1L2 with both, which standalone Keras 2.0-2.3 writes for l2()); Keras
// 3's with "module" and "registered_name"; TF.js's L1L2.
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-json/KerasReaders.h"

#include "llvm/ADT/StringSwitch.h"

using namespace cnnc;

llvm::Error cnnc::readRegularizer(const ConfigReader &config,
                                  llvm::StringRef key,
                                  std::optional<Regularizer> &out,
                                  const KerasFileInfo &info) {
  JsonNode node = config.field(key);
  if (node.isNullOrMissing())
    return llvm::Error::success();
  JsonNode nameNode = node.getObject() ? node.get("class_name") : node;
  std::optional<llvm::StringRef> name = nameNode.getString();
  if (!name)
    return config.fail(nameNode, "expected a regularizer for '" + key +
                                     "', found " + nameNode.describe());
  std::string folded = foldName(bareClassName(*name));
  Regularizer regularizer;
  bool l1 = folded == "l1" || folded == "l1l2";
  bool l2 = folded == "l2" || folded == "l1l2";
  if (!l1 && !l2)
    return config.fail(nameNode, "unsupported regularizer " +
                                     nameNode.describe() + " for '" + key +
                                     "' (cnnc has l1, l2 and l1_l2)");
  // The string forms take Keras's default factors: 0.01, except that Keras
  // 3 reads 'l1_l2' as the class L1L2, whose factors default to 0.
  if (!node.getObject()) {
    double factor = folded == "l1l2" && info.isKeras3 ? 0.0 : 0.01;
    regularizer.l1 = l1 ? factor : 0.0;
    regularizer.l2 = l2 ? factor : 0.0;
    out = regularizer;
    return llvm::Error::success();
  }
  // The classes: L1(l1=0.01), L2(l2=0.01), L1L2(l1=0, l2=0).
  regularizer.l1 = l1 && !l2 ? 0.01 : 0.0;
  regularizer.l2 = l2 && !l1 ? 0.01 : 0.0;
  ConfigReader reader(node.get("config"), config.getOwner());
  if (l1)
    if (llvm::Error err = reader.readNumber("l1", regularizer.l1))
      return err;
  if (l2)
    if (llvm::Error err = reader.readNumber("l2", regularizer.l2))
      return err;
  for (auto [field, value] :
       {std::pair{"l1", regularizer.l1}, std::pair{"l2", regularizer.l2}})
    if (!(value >= 0.0) || !std::isfinite(value))
      return reader.fail(reader.field(field),
                         std::string("a regularizer's '") + field +
                             "' must be a finite number, at least 0, found " +
                             reader.field(field).describe());
  out = regularizer;
  return llvm::Error::success();
}
