import Foundation

/// Resolves `--model` to a model file.
///
/// - A value that names an existing file is that file; an existing directory means `DIR/model.safetensors`; a value
///   containing `/` or ending in `.safetensors` is always taken as a path (and must exist).
/// - Any other value is a model name (`irish`, `pop`, `irish-pop`, or a name given to `studio train --name`):
///   `<models_dir>/<name>/model.safetensors` is looked up first relative to the current directory, then relative to
///   the package root the `studio` executable was built in (the first directory above the executable that holds a
///   `Package.swift`; e.g. `.build/release/studio` → the checkout), then in the checkout the binary was compiled
///   from (`ProjectRoots.sourceCheckout`), so a build finds its shipped models from anywhere.
enum ModelLocator {
  /// Why no model file was found.
  struct NotFound: Error, CustomStringConvertible {
    var model: String
    var searched: [String]
    var description: String {
      "model '\(model)' not found; looked for " + searched.joined(separator: ", ")
        + ". Train one (studio train --name \(model)) or pass a path to a .safetensors file."
    }
  }

  /// The model file for `model`.
  /// - Parameters:
  ///   - modelsDirectory: `training.models_dir` (default `models`).
  ///   - currentDirectory: where relative paths start.
  ///   - executablePath: the running executable (for the package-root fallback), nil to skip it.
  ///   - sourceCheckout: the checkout studio was compiled from (last fallback), nil to skip it.
  /// - Throws: `NotFound` listing every place looked at.
  static func resolve(
    _ model: String, modelsDirectory: String = "models",
    currentDirectory: String = FileManager.default.currentDirectoryPath,
    executablePath: String? = ProjectRoots.runningExecutable,
    sourceCheckout: String? = ProjectRoots.sourceCheckout
  ) throws -> String {
    let absolute = model.hasPrefix("/") ? model : currentDirectory + "/" + model
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) {
      if !isDirectory.boolValue { return model }
      let inside = (model.hasSuffix("/") ? model : model + "/") + "model.safetensors"
      let insideAbsolute = (absolute.hasSuffix("/") ? absolute : absolute + "/") + "model.safetensors"
      guard FileManager.default.fileExists(atPath: insideAbsolute) else {
        throw NotFound(model: model, searched: [inside])
      }
      return inside
    }
    if model.contains("/") || model.hasSuffix(".safetensors") || model.isEmpty {
      throw NotFound(model: model, searched: [model])
    }
    var candidates: [String] = []
    let relative =
      (modelsDirectory.hasSuffix("/") ? modelsDirectory : modelsDirectory + "/") + model + "/model.safetensors"
    candidates.append(relative.hasPrefix("/") ? relative : currentDirectory + "/" + relative)
    if !relative.hasPrefix("/") {
      if let executablePath, let root = ProjectRoots.packageRoot(above: executablePath) {
        candidates.append(root + "/" + relative)
      }
      if let sourceCheckout { candidates.append(sourceCheckout + "/" + relative) }
    }
    var seen = Set<String>()
    candidates = candidates.map { URL(fileURLWithPath: $0).standardizedFileURL.path }.filter {
      seen.insert($0).inserted
    }
    if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
    throw NotFound(model: model, searched: candidates)
  }
}
