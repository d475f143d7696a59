//===- BufferizableOpInterfaceImpl.h - cnn ops in one-shot bufferization --===//

#ifndef CNNC_DIALECTS_CNN_BUFFERIZABLEOPINTERFACEIMPL_H
#define CNNC_DIALECTS_CNN_BUFFERIZABLEOPINTERFACEIMPL_H

namespace mlir {
class DialectRegistry;
namespace cnn {

/// Attaches BufferizableOpInterface to the cnn ops that live until
/// bufferization (cnn.fill_border).
void registerBufferizableOpInterfaceExternalModels(DialectRegistry &registry);

} // namespace cnn
} // namespace mlir

#endif // CNNC_DIALECTS_CNN_BUFFERIZABLEOPINTERFACEIMPL_H
