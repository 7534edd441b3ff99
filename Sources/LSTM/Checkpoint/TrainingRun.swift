import Foundation

/// The files of one training run in its directory (`runs/NAME/` by default):
///
/// - `checkpoint.safetensors`: the latest weights (float32) with checkpoint metadata;
/// - `trainer-state.safetensors`: the sidecar (Adam moments, sampler random state and cursors, carried LSTM state,
///   early-stopping record) so `--resume` continues exactly;
/// - `best.safetensors`: the weights with the lowest validation bits/char so far (float32).
///
/// Every file is written atomically (temporary file + rename). The checkpoint and its sidecar are saved as a pair
/// atomic as a whole: before a save replaces them, the current (matching) pair is kept as
/// `checkpoint.previous.safetensors` + `trainer-state.previous.safetensors` (hard links), so a process killed at any
/// moment of a save leaves at least one complete matching pair, and `loadForResume` takes the newest one. Runs
/// written before the previous pair existed read the same way.
public struct TrainingRun: Sendable, Equatable {
  public let directory: String

  public init(directory: String) { self.directory = directory }

  public var checkpointPath: String { directory + "/checkpoint.safetensors" }
  public var statePath: String { directory + "/trainer-state.safetensors" }
  public var bestPath: String { directory + "/best.safetensors" }
  /// The pair kept while a save replaces the current one.
  public var previousCheckpointPath: String { directory + "/checkpoint.previous.safetensors" }
  public var previousStatePath: String { directory + "/trainer-state.previous.safetensors" }

  /// Whether a resumable checkpoint exists (the current pair, or the previous pair of an interrupted save).
  public var hasCheckpoint: Bool {
    (exists(checkpointPath) && exists(statePath)) || (exists(previousCheckpointPath) && exists(previousStatePath))
  }

  /// Whether any file of a run (checkpoint, trainer state, or their previous versions) is in the directory.
  public var hasAnyCheckpointFile: Bool {
    [checkpointPath, statePath, previousCheckpointPath, previousStatePath].contains(where: exists)
  }

  /// What is missing for `--resume`, e.g. "trainer-state.safetensors is missing"; nil when a pair is there.
  public var missingForResume: String? {
    guard !hasCheckpoint else { return nil }
    let missing = [checkpointPath, statePath].filter { !exists($0) }.map { ($0 as NSString).lastPathComponent }
    return missing.count == 2
      ? "no checkpoint.safetensors and no trainer-state.safetensors"
      : "\(missing[0]) is missing (only \(missing[0] == "checkpoint.safetensors" ? "trainer-state.safetensors" : "checkpoint.safetensors") is there)"
  }

  private func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

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

  /// Removes the temporary files a killed process left in the directory (`.checkpoint.safetensors.PID.N.tmp`, …).
  /// Call it only while holding the run's lock: another process's temporary files would be in use.
  public func removeStaleTemporaryFiles() {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    let prefixes = [checkpointPath, statePath, bestPath, previousCheckpointPath, previousStatePath].map {
      "." + ($0 as NSString).lastPathComponent + "."
    }
    for name in names where name.hasSuffix(".tmp") && prefixes.contains(where: name.hasPrefix) {
      unlink(directory + "/" + name)
    }
  }

  /// Saves the latest checkpoint and its sidecar, atomic as a pair (see the type's documentation): the current pair
  /// becomes the previous pair first, then the sidecar and the checkpoint are replaced.
  /// - Throws: `CheckpointError.nonFinite` (nothing written) when a weight is NaN or infinite, `.io`/`.file` on
  ///   write failures.
  func save(_ checkpoint: Checkpoint, state: TrainerState) throws(CheckpointError) {
    if let bad = checkpoint.firstNonFiniteWeight { throw .nonFinite(name: bad.name, index: bad.index, value: bad.value) }
    if exists(checkpointPath) && exists(statePath) {
      try keep(checkpointPath, as: previousCheckpointPath)
      try keep(statePath, as: previousStatePath)
    }
    do {
      try state.file(layout: checkpoint.parameters.layout).write(to: statePath, dtype: .f32)
    } catch {
      throw .file(error)
    }
    try checkpoint.write(to: checkpointPath, dtype: .f32)
  }

  /// Makes `destination` the same file as `source` (a hard link renamed into place, or an atomic copy where links
  /// are not supported).
  private func keep(_ source: String, as destination: String) throws(CheckpointError) {
    let temporary = destination + ".\(getpid()).link.tmp"
    unlink(temporary)
    if link(source, temporary) == 0 {
      guard rename(temporary, destination) == 0 else {
        let error = FileIOError.fromErrno("rename the link onto", destination)
        unlink(temporary)
        throw .io(error)
      }
      return
    }
    do {
      try writeFileAtomically(try readWholeFile(at: source), to: destination)
    } catch {
      throw .io(error)
    }
  }

  /// Saves the best checkpoint so far.
  func saveBest(_ checkpoint: Checkpoint) throws(CheckpointError) {
    try checkpoint.write(to: bestPath, dtype: .f32)
  }

  /// Reads the latest checkpoint and its sidecar for `--resume`: the current pair, or, when a save was interrupted
  /// (the two disagree, or one is damaged or missing), the previous pair, which is then made current again.
  /// - Throws: `CheckpointError` (strict loading; `.stateStepMismatch` when no matching pair is found); the error of
  ///   the current pair when neither pair can be read.
  public func loadForResume() throws(CheckpointError) -> (checkpoint: Checkpoint, state: TrainerState) {
    let current: CheckpointError
    do {
      return try Self.loadPair(checkpointPath, statePath)
    } catch {
      current = error
    }
    guard exists(previousCheckpointPath), exists(previousStatePath) else { throw current }
    let pair: (checkpoint: Checkpoint, state: TrainerState)
    do {
      pair = try Self.loadPair(previousCheckpointPath, previousStatePath)
    } catch {
      throw current
    }
    // Make the previous pair current again, so the next save keeps it as the previous pair.
    try keep(previousStatePath, as: statePath)
    try keep(previousCheckpointPath, as: checkpointPath)
    return pair
  }

  private static func loadPair(_ checkpointPath: String, _ statePath: String) throws(CheckpointError) -> (
    checkpoint: Checkpoint, state: TrainerState
  ) {
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
