/// What a model trains and validates on, already encoded.
public struct TrainingData: Sendable {
  public var vocabulary: Vocabulary
  /// The training stream (`"\n\n"`-joined training tunes), token ids.
  public var trainTokens: [Int32]
  /// Held-out sequences, each scored from a zero state with every token after the first predicted (the PyTorch
  /// baseline scores `tune + "\n\n"`).
  public var validationSequences: [[Int32]]
  /// SHA-256 fingerprints of the corpora (recorded in checkpoints).
  public var corpusFingerprints: [String]
  /// Where each training tune lies in `trainTokens` (separators excluded), for whole-tune batching. Empty when the
  /// data was built from a bare stream; whole-tune batching then treats the stream as tunes split at `"\n\n"`.
  public var trainTuneRanges: [Range<Int>]

  public init(
    vocabulary: Vocabulary, trainTokens: [Int32], validationSequences: [[Int32]],
    corpusFingerprints: [String] = [], trainTuneRanges: [Range<Int>] = []
  ) {
    self.vocabulary = vocabulary
    self.trainTokens = trainTokens
    self.validationSequences = validationSequences
    self.corpusFingerprints = corpusFingerprints
    self.trainTuneRanges = trainTuneRanges
  }

  /// The training tunes' ranges: `trainTuneRanges`, or the stream split at every `"\n\n"` when those are unknown.
  func tuneRanges() -> [Range<Int>] {
    if !trainTuneRanges.isEmpty { return trainTuneRanges }
    guard let newline = vocabulary.id(of: "\n") else { return [0..<trainTokens.count] }
    var ranges: [Range<Int>] = []
    var start = 0
    var i = 0
    while i + 1 < trainTokens.count {
      if trainTokens[i] == newline, trainTokens[i + 1] == newline {
        if i > start { ranges.append(start..<i) }
        while i < trainTokens.count, trainTokens[i] == newline { i += 1 }
        start = i
      } else {
        i += 1
      }
    }
    if start < trainTokens.count { ranges.append(start..<trainTokens.count) }
    return ranges
  }

  /// Builds the data from corpora as the PyTorch baseline does: each corpus is split into training and validation
  /// tunes; the training stream mixes the corpora's training tunes by `weight` (see `TrainingStream`); validation
  /// scores every held-out tune + `"\n\n"`; the vocabulary covers all tunes of all corpora.
  /// - Throws: `TrainingError.emptyTrainingData` or `.noValidationData`; stream errors are reported as
  ///   `.emptyTrainingData`.
  public static func make(
    corpora: [(corpus: TuneCorpus, weight: Double)], validationFraction: Double, splitMethod: SplitMethod,
    seed: UInt64
  ) throws(TrainingError) -> TrainingData {
    let splits = corpora.map {
      DatasetSplit.split($0.corpus.tunes, validationFraction: validationFraction, seed: seed, method: splitMethod)
    }
    let vocabulary = Vocabulary(tunes: corpora.flatMap(\.corpus.tunes))
    guard splits.contains(where: { !$0.train.isEmpty }) else { throw .emptyTrainingData }
    let validation = splits.flatMap(\.validation)
    guard !validation.isEmpty else { throw .noValidationData }
    let stream: TrainingStream
    do {
      stream = try TrainingStream(
        sources: zip(splits, corpora).map { ($0.train, $1.weight) }, vocabulary: vocabulary, seed: seed)
    } catch {
      throw .emptyTrainingData
    }
    // Every validation scalar is in the vocabulary: it was built from all tunes.
    let sequences = validation.compactMap { try? vocabulary.encode($0 + "\n\n") }
    return TrainingData(
      vocabulary: vocabulary, trainTokens: stream.tokens, validationSequences: sequences,
      corpusFingerprints: corpora.map(\.corpus.fingerprint), trainTuneRanges: stream.tuneRanges)
  }

  /// Characters scored by one validation pass.
  public var validationCharacterCount: Int { validationSequences.reduce(0) { $0 + max(0, $1.count - 1) } }

  /// - Throws: `TrainingError` when a window does not fit or ids are out of range.
  func validate(sequenceLength: Int, vocabularySize: Int) throws(TrainingError) {
    guard !trainTokens.isEmpty else { throw .emptyTrainingData }
    guard trainTokens.count >= sequenceLength + 2 else {
      throw .trainingDataTooShort(tokens: trainTokens.count, needed: sequenceLength + 2)
    }
    guard vocabulary.count == vocabularySize else {
      throw .vocabularyMismatch(data: vocabulary.count, model: vocabularySize)
    }
    guard validationSequences.contains(where: { $0.count > 1 }) else { throw .noValidationData }
    for id in trainTokens where id < 0 || Int(id) >= vocabularySize {
      throw .tokenOutOfRange(id: id, vocabularySize: vocabularySize)
    }
    for sequence in validationSequences {
      for id in sequence where id < 0 || Int(id) >= vocabularySize {
        throw .tokenOutOfRange(id: id, vocabularySize: vocabularySize)
      }
    }
  }
}
