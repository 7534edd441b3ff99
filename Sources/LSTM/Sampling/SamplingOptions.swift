/// How the next character is drawn from the model's distribution.
public struct SamplingOptions: Sendable, Equatable, Codable {
  /// Softmax temperature; 0 means greedy decoding (always the most likely character).
  public var temperature: Double = 1
  /// Keep only the `topK` most likely characters (0 = all).
  public var topK: Int = 0
  /// Nucleus sampling: keep the smallest set of most likely characters whose probability reaches `topP`
  /// (1 = all).
  public var topP: Double = 1
  /// Characters to generate per sequence at most (the prompt not counted).
  public var maxCharacters: Int = 1000

  public init(temperature: Double = 1, topK: Int = 0, topP: Double = 1, maxCharacters: Int = 1000) {
    self.temperature = temperature
    self.topK = topK
    self.topP = topP
    self.maxCharacters = maxCharacters
  }

  /// - Throws: `SamplingError.invalidOption`.
  public func validate() throws(SamplingError) {
    guard temperature >= 0, temperature.isFinite else {
      throw .invalidOption(name: "temperature", value: "\(temperature)", expected: "0 (greedy) or a positive number")
    }
    guard topK >= 0 else { throw .invalidOption(name: "top_k", value: "\(topK)", expected: "0 (off) or more") }
    guard topP > 0, topP <= 1 else {
      throw .invalidOption(name: "top_p", value: "\(topP)", expected: "a probability in (0, 1]")
    }
    guard maxCharacters >= 0 else {
      throw .invalidOption(name: "max_chars", value: "\(maxCharacters)", expected: "0 or more")
    }
  }
}

/// Why sampling could not run.
public enum SamplingError: Error, Equatable, Sendable, CustomStringConvertible {
  case invalidOption(name: String, value: String, expected: String)
  /// The prompt has a character the model never saw.
  case unknownCharacter(VocabularyError)
  /// `Sampler.feed` needs one token id in `0..<vocabularySize` per sequence of the batch.
  case invalidTokens(count: Int, batch: Int, vocabularySize: Int)
  case compute(ComputeError)

  public var description: String {
    switch self {
    case .invalidOption(let name, let value, let expected):
      return "error: sampling option \(name) = \(value) is invalid: expected \(expected)"
    case .unknownCharacter(let error):
      return "prompt: \(error.description)"
    case .invalidTokens(let count, let batch, let size):
      return "error: \(count) token ids for a batch of \(batch), each must be in 0..<\(size)"
    case .compute(let error):
      return error.description
    }
  }
}
