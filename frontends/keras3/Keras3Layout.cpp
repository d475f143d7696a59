//===- Keras3Layout.cpp - Which group of a Keras 3 file holds a layer -----===//

#include "frontends/keras3/Keras3Layout.h"

#include "llvm/ADT/StringMap.h"

#include <regex>

using namespace cnnc;

std::string cnnc::kerasSnakeCase(llvm::StringRef className) {
  // Keras's three substitutions, in its order (std::regex's ECMAScript
  // replacement matches Python's re.sub: leftmost, non-overlapping).
  std::string name = className.str();
  name = std::regex_replace(name, std::regex("\\W+"), "");
  name = std::regex_replace(name, std::regex("(.)([A-Z][a-z]+)"), "$1_$2");
  name = std::regex_replace(name, std::regex("([a-z])([A-Z])"), "$1_$2");
  for (char &c : name)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

std::vector<std::string>
cnnc::keras3GroupKeys(llvm::ArrayRef<KerasLayerRef> layers) {
  // saving_lib's _save_container_state: a counter per snake-cased class.
  llvm::StringMap<unsigned> used;
  std::vector<std::string> keys;
  for (const KerasLayerRef &layer : layers) {
    std::string key = kerasSnakeCase(layer.className);
    auto [it, first] = used.try_emplace(key, 0);
    if (!first)
      key += "_" + std::to_string(++it->second);
    keys.push_back(std::move(key));
  }
  return keys;
}

llvm::Expected<WeightSet>
cnnc::keras3WeightSet(llvm::ArrayRef<KerasLayerRef> layers,
                      const Keras3H5Contents &contents, llvm::StringRef file) {
  auto failure = [&](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "'" + file + "': " + message.str());
  };
  llvm::StringMap<const Keras3VarGroup *> groups;
  for (const Keras3VarGroup &group : contents.groups) {
    std::string key;
    if (!keras3LayerGroupKey(group.path, key))
      continue;
    if (!groups.try_emplace(key, &group).second)
      return failure("two groups are named '" + group.path + "'");
  }
  std::vector<std::string> keys = keras3GroupKeys(layers);
  llvm::StringMap<size_t> claimed;
  WeightSet weights;
  for (size_t i = 0; i < layers.size(); ++i) {
    claimed[keys[i]] = i;
    const Keras3VarGroup *group = groups.lookup(keys[i]);
    if (!group)
      continue; // a weightless layer, or one the file lacks (bindWeights says)
    if (group->savedName && *group->savedName != layers[i].name)
      return failure("group '" + group->path + "' is layer '" +
                     *group->savedName + "' (its 'name' attribute), but " +
                     "by Keras's numbering it belongs to layer '" +
                     layers[i].name + "' (" + layers[i].className +
                     "): the file is not this model's");
    if (group->vars.empty())
      continue;
    weights.layers.push_back({layers[i].name, group->vars});
  }
  for (const Keras3VarGroup &group : contents.groups) {
    std::string key;
    if (!keras3LayerGroupKey(group.path, key) || group.vars.empty())
      continue;
    // A nested model's layers sit below its own group: claimed by it.
    llvm::StringRef top = llvm::StringRef(key).split('/').first;
    if (!claimed.count(top))
      return failure("group '" + group.path +
                     "' holds variables, but no layer of the model has that "
                     "group");
  }
  return weights;
}

std::vector<KerasLayerRef> cnnc::modelSpecLayers(const ModelSpec &model) {
  std::vector<KerasLayerRef> layers;
  for (const Layer &layer : model.layers)
    if (layer.call == 0) // one layer, whatever its calls (ModelSpec.h)
      layers.push_back({layer.name, kerasClassName(layer.kind)});
  return layers;
}
