import Foundation
import Testing

@testable import LSTM

/// Issue 13: a save interrupted at any point leaves a resumable run; NaN weights are refused by name; a resumed
/// TensorBoard log carries the restart marker.
@Suite struct CheckpointSafetyTests {
  /// Trains `steps` steps into `run`, saving every `every` steps.
  private func train(_ run: TrainingRun, steps: Int, every: Int) throws -> Trainer {
    let data = tinyData()
    var options = TrainingOptions()
    options.batchSize = 4
    options.sequenceLength = 10
    options.maxSteps = steps
    options.evaluateEvery = 0
    options.checkpointEvery = every
    let trainer = try Trainer(parameters: tinyModel(data.vocabulary), data: data, options: options)
    _ = try trainer.train(run: run)
    return trainer
  }

  /// A kill after the sidecar was replaced but before the checkpoint was (the old failure: "the checkpoint is at
  /// step 745 but the trainer state at step 750") resumes from the previous complete pair.
  @Test func aSaveKilledBetweenTheTwoFilesResumesFromThePreviousPair() throws {
    let directory = makeTemporaryDirectory("killed-save")
    defer { removeDirectory(directory) }
    let run = TrainingRun(directory: directory)
    try run.prepare()
    let trainer = try train(run, steps: 5, every: 3)
    // The files as they are after the final save at step 5; the previous pair holds step 3.
    #expect(try Checkpoint.read(path: run.previousCheckpointPath).step == 3)
    // Simulate the kill: the new sidecar (step 5) is in place, the checkpoint still the one of step 3.
    try FileManager.default.removeItem(atPath: run.checkpointPath)
    try FileManager.default.copyItem(atPath: run.previousCheckpointPath, toPath: run.checkpointPath)
    let (checkpoint, state) = try run.loadForResume()
    #expect(checkpoint.step == 3 && state.step == 3)
    // The previous pair was made current again: the directory is consistent for the next save.
    #expect(try Checkpoint.read(path: run.checkpointPath).step == 3)
    _ = trainer
  }

  /// A kill while the checkpoint was half written (a torn file) or before the sidecar existed.
  @Test func aTornOrMissingFileFallsBackToThePreviousPair() throws {
    let directory = makeTemporaryDirectory("torn")
    defer { removeDirectory(directory) }
    let run = TrainingRun(directory: directory)
    try run.prepare()
    _ = try train(run, steps: 3, every: 2)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: run.checkpointPath))
    try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: run.checkpointPath))
    #expect(try run.loadForResume().checkpoint.step == 2)
    try FileManager.default.removeItem(atPath: run.statePath)
    #expect(run.hasCheckpoint)
    #expect(try run.loadForResume().state.step == 2)
  }

  /// Runs written before the previous pair existed (one pair only) still resume.
  @Test func aRunWithoutAPreviousPairResumes() throws {
    let directory = makeTemporaryDirectory("old-layout")
    defer { removeDirectory(directory) }
    let run = TrainingRun(directory: directory)
    try run.prepare()
    _ = try train(run, steps: 4, every: 2)
    try FileManager.default.removeItem(atPath: run.previousCheckpointPath)
    try FileManager.default.removeItem(atPath: run.previousStatePath)
    #expect(try run.loadForResume().checkpoint.step == 4)
    #expect(run.missingForResume == nil)
    try FileManager.default.removeItem(atPath: run.statePath)
    #expect(run.missingForResume?.contains("trainer-state.safetensors is missing") == true)
  }

  /// A NaN weight is refused when saving (nothing written) and when loading, naming the tensor.
  @Test func nonFiniteWeightsAreRefusedByName() throws {
    let directory = makeTemporaryDirectory("nan")
    defer { removeDirectory(directory) }
    let data = tinyData()
    let parameters = tinyModel(data.vocabulary)
    var values = parameters.values
    let entry = try #require(parameters.layout.entry(named: "fc.bias"))
    values[entry.offset + 1] = .nan
    let broken = Checkpoint(
      parameters: try LSTMParameters(hyperparameters: parameters.hyperparameters, values: values),
      vocabulary: data.vocabulary, step: 1)
    #expect(broken.firstNonFiniteWeight?.name == "fc.bias")
    let path = directory + "/model.safetensors"
    try broken.write(to: path)
    #expect {
      try Checkpoint.read(path: path)
    } throws: { error in
      "\(error)".contains("tensor fc.bias holds nan at index 1")
    }
    let run = TrainingRun(directory: directory + "/run")
    try run.prepare()
    let trainer = try Trainer(parameters: parameters, data: data, options: TrainingOptions())
    #expect(throws: CheckpointError.self) { try run.save(broken, state: trainer.state) }
    #expect(!FileManager.default.fileExists(atPath: run.checkpointPath))
  }

  /// A resumed tracker's event file starts with `SessionLog{status: START}` at the step after the resume point,
  /// so TensorBoard drops the interrupted run's later steps and shows one curve.
  @Test func aResumedEventFileCarriesTheRestartMarker() throws {
    let directory = makeTemporaryDirectory("purge")
    defer { removeDirectory(directory) }
    let first = try RunTracker(
      directory: directory, runName: "r", options: .init(jsonLines: false), wallClock: { 1000 })
    try first.log(step: 10, scalars: ["train_loss": 1])
    first.close()
    let resumed = try RunTracker(
      directory: directory, runName: "r", options: .init(jsonLines: false, resumeFromStep: 7), wallClock: { 2000 })
    let path = try #require(resumed.eventFilePath)
    resumed.close()
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    // Event{step: 8 (field 2 varint), session_log (field 7, 2 bytes): SessionLog{status (field 1): START = 1}}.
    let marker: [UInt8] = [0x10, 0x08, 0x3A, 0x02, 0x08, 0x01]
    #expect(bytes.indices.contains { bytes[$0...].starts(with: marker) })
  }
}
