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

namespace {
/// One model's `layers` as saving_lib walks them.
struct Container {
  /// _save_container_state's counter per snake-cased class.
  llvm::StringMap<unsigned> used;
  /// The keys of the nested models in it, by name.
  llvm::StringMap<std::string> nested;

  std::string next(llvm::StringRef className) {
    std::string key = kerasSnakeCase(className);
    auto [it, first] = used.try_emplace(key, 0);
    if (!first)
      key += "_" + std::to_string(++it->second);
    return key;
  }
};
} // namespace

std::vector<std::string>
cnnc::keras3GroupKeys(llvm::ArrayRef<KerasLayerRef> layers) {
  // _walk_saveable yields a Sequential's and a Functional's `layers` first,
  // so a nested model's layers are below its group, counted in it; the
  // nested model takes its key among its siblings where its first layer
  // is. Containers are keyed by the nested models' path.
  llvm::StringMap<Container> containers;
  std::vector<std::string> keys;
  for (const KerasLayerRef &layer : layers) {
    std::string path, prefix;
    for (const KerasScopeRef &scope : layer.scopes) {
      Container &outer = containers[path];
      auto [it, added] = outer.nested.try_emplace(scope.name);
      if (added)
        // Keras 3 has one class for a functional model; Keras 2.3 and
        // TF.js call it Model.
        it->second = outer.next(scope.className == "Model" ? "Functional"
                                                           : scope.className);
      prefix += it->second + "/layers/";
      path += "/" + scope.name;
    }
    keys.push_back(prefix + containers[path].next(layer.className));
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
    claimed[llvm::StringRef(keys[i]).split('/').first] = i;
    const Keras3VarGroup *group = groups.lookup(keys[i]);
    if (!group)
      continue; // a weightless layer, or one the file lacks (bindWeights says)
    // The attribute names the layer itself, not its path.
    llvm::StringRef leaf = llvm::StringRef(layers[i].name).rsplit('/').second;
    if (leaf.empty())
      leaf = layers[i].name;
    if (group->savedName && *group->savedName != leaf)
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
  for (const Layer &layer : model.layers) {
    if (layer.call != 0) // one layer, whatever its calls (ModelSpec.h)
      continue;
    KerasLayerRef ref{layer.name, kerasClassName(layer.kind), {}};
    for (const NestedScope &scope : layer.scopes)
      ref.scopes.push_back({scope.name, scope.className});
    layers.push_back(std::move(ref));
  }
  return layers;
}
