import Foundation

/// The files of one training run in its directory (`runs/NAME/` by default):
///
/// - `checkpoint.safetensors`: the latest weights (float32) with checkpoint metadata;
/// - `trainer-state.safetensors`: the sidecar (Adam moments, sampler random state and cursors, carried LSTM state,
///   early-stopping record) so `--resume` continues exactly;
/// - `best.safetensors`: the weights with the lowest validation bits/char so far (float32).
///
/// Every file is written atomically (temporary file + rename), so an interrupted save leaves the previous version.
public struct TrainingRun: Sendable, Equatable {
  public let directory: String

  public init(directory: String) { self.directory = directory }

  public var checkpointPath: String { directory + "/checkpoint.safetensors" }
  public var statePath: String { directory + "/trainer-state.safetensors" }
  public var bestPath: String { directory + "/best.safetensors" }

  /// Whether a resumable checkpoint exists.
  public var hasCheckpoint: Bool {
    FileManager.default.fileExists(atPath: checkpointPath) && FileManager.default.fileExists(atPath: statePath)
  }

  /// Creates the directory if needed and checks it is writable.
  /// - Throws: `CheckpointError.io` naming the directory.
  public func prepare() throws(CheckpointError) {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else {
        throw .io(
          FileIOError(
            operation: "use as run directory", path: directory, code: ENOTDIR,
            reason: "a file is in the way"))
      }
    } else {
      do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      } catch {
        throw .io(
          FileIOError(
            operation: "create directory", path: directory, code: EACCES,
            reason: "\((error as NSError).localizedDescription)"))
      }
    }
    guard access(directory, W_OK) == 0 else {
      throw .io(
        FileIOError(operation: "write into", path: directory, code: errno, reason: String(cString: strerror(errno))))
    }
  }

  /// Saves the latest checkpoint and its sidecar.
  func save(_ checkpoint: Checkpoint, state: TrainerState) throws(CheckpointError) {
    do {
      try state.file(layout: checkpoint.parameters.layout).write(to: statePath, dtype: .f32)
    } catch {
      throw .file(error)
    }
    try checkpoint.write(to: checkpointPath, dtype: .f32)
  }

  /// Saves the best checkpoint so far.
  func saveBest(_ checkpoint: Checkpoint) throws(CheckpointError) {
    try checkpoint.write(to: bestPath, dtype: .f32)
  }

  /// Reads the latest checkpoint and its sidecar for `--resume`.
  /// - Throws: `CheckpointError` (strict loading; `.stateStepMismatch` when the two files disagree).
  public func loadForResume() throws(CheckpointError) -> (checkpoint: Checkpoint, state: TrainerState) {
    let checkpoint = try Checkpoint.read(path: checkpointPath)
    let file: SafeTensorsFile
    do {
      file = try SafeTensorsFile.read(path: statePath)
    } catch {
      throw .file(error)
    }
    let state: TrainerState
    do {
      state = try TrainerState(file: file, layout: checkpoint.parameters.layout)
    } catch {
      throw .inFile(path: statePath, error: error)
    }
    guard checkpoint.step == state.step else {
      throw .stateStepMismatch(checkpointStep: checkpoint.step ?? -1, stateStep: state.step)
    }
    return (checkpoint, state)
  }
}
