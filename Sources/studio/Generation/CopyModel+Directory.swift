import Foundation
import LSTM

extension CopyModel {
  /// The `copy.json` beside a model, or nil when there is none; an unreadable one is reported on standard error and
  /// ignored (sampling then uses the LSTM alone).
  static func load(modelDirectory: String) -> CopyModel? {
    let path = (modelDirectory as NSString).appendingPathComponent(fileName)
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    do {
      return try load(from: path)
    } catch {
      FileHandle.standardError.write(Data("warning: \(path): not a copy model (\(error)); sampling without it\n".utf8))
      return nil
    }
  }
}
