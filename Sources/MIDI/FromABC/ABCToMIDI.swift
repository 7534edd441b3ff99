import ABCParser

/// One-call conversion from ABC text or files to MIDI sequences, for the CLI (`convert`, `render`, `play`,
/// `generate`).
///
/// ```swift
/// let tune = try ABCToMIDI.sequence(fromFile: "reels.abc", tune: .referenceNumber(3))
/// try MIDIFile.write(tune.sequence, to: "reel.mid")
/// ```
///
/// Files are cut into tunes and each tune is parsed, performed and handed to a closure on its own (`forEachTune`),
/// so memory stays flat however many tunes a file holds.
public enum ABCToMIDI {
  /// Which tune of a file to convert.
  public enum TuneSelector: Hashable, Sendable, CustomStringConvertible {
    /// The first tune.
    case first
    /// The first tune with this `X:` number.
    case referenceNumber(Int)
    /// The tune at this 0-based position in the file (X: numbers repeat in the wild, H-02).
    case ordinal(Int)

    public var description: String {
      switch self {
      case .first: return "the first tune"
      case .referenceNumber(let x): return "X:\(x)"
      case .ordinal(let i): return "tune number \(i + 1)"
      }
    }
  }

  /// Which tune a result belongs to.
  public struct TuneInfo: Hashable, Sendable {
    /// `X:` number, `nil` when missing or not a number.
    public var referenceNumber: Int?
    public var title: String?
    /// 0-based position of the tune in its file.
    public var ordinal: Int
    /// Where the tune starts.
    public var location: SourceLocation

    public init(referenceNumber: Int?, title: String?, ordinal: Int, location: SourceLocation) {
      self.referenceNumber = referenceNumber
      self.title = title
      self.ordinal = ordinal
      self.location = location
    }
  }

  /// A performed tune.
  public struct ConvertedTune: Sendable {
    public var info: TuneInfo
    /// The tune as a MIDI sequence (empty tracks when the tune has no music; see `hasMusic`).
    public var sequence: MIDISequence
    public var performance: Performance
    /// The parser's diagnostics for the tune (errors included: the music was still performed where it was clear).
    public var diagnostics: [Diagnostic]
    /// The performer's warnings.
    public var warnings: [PerformanceWarning]
    /// `false` when the tune has no notes or rests to play (no `K:` line, or an empty body).
    public var hasMusic: Bool

    /// Moves every location by `shift` (from a piece of a file back to the whole file), in place: the tune is
    /// uniquely held here, so no track or note array is copied.
    mutating func shift(_ shift: LocationShift) {
      info.location = shift.apply(info.location)
      for i in diagnostics.indices {
        diagnostics[i].location = shift.apply(diagnostics[i].location)
        diagnostics[i].message = shift.apply(message: diagnostics[i].message)
      }
      for i in warnings.indices { warnings[i].location = shift.apply(warnings[i].location) }
      for i in performance.tracks.indices {
        for j in performance.tracks[i].notes.indices {
          performance.tracks[i].notes[j].location = shift.apply(performance.tracks[i].notes[j].location)
        }
      }
    }

    /// Every diagnostic and warning as a compiler-style line, `path:line:col: severity[id]: message`, in source order.
    public func messages(path: String?) -> [String] {
      let prefix = path.map { "\($0):" } ?? ""
      var lines: [(SourceLocation, String)] = diagnostics.map { ($0.location, prefix + $0.description) }
      lines += warnings.map { ($0.location ?? info.location, prefix + $0.description) }
      return lines.sorted { $0.0.offset < $1.0.offset }.map(\.1)
    }
  }

  /// Calls `body` with each performed tune of ABC text, in file order. The text is cut into tunes first
  /// (`ABCTuneSplitter`) and each tune is parsed, performed and handed over on its own, so memory stays flat however
  /// many tunes the text holds. Locations in diagnostics and warnings refer to the whole text. `options.ppq` and
  /// `options.format` shape the sequences.
  public static func forEachTune(
    inABCText text: String, options: PerformanceOptions = PerformanceOptions(),
    _ body: (ConvertedTune) throws -> Void
  ) rethrows {
    try forEachTune(inABCBytes: Array(text.utf8), options: options, body)
  }

  /// `forEachTune(inABCText:)` for the raw bytes of an ABC file (UTF-8; invalid sequences are diagnosed).
  public static func forEachTune(
    inABCBytes bytes: [UInt8], options: PerformanceOptions = PerformanceOptions(),
    _ body: (ConvertedTune) throws -> Void
  ) rethrows {
    let splitter = ABCTuneSplitter(bytes: bytes)
    let parser = ABCParser()
    for k in 0..<splitter.tuneCount {
      guard let (tune, shift) = splitter.tune(k, parser: parser) else { continue }
      var converted = convert(tune, options: options)
      converted.shift(shift)
      try body(converted)
    }
  }

  /// `forEachTune(inABCBytes:options:_:)` on several cores: tunes are parsed, performed and passed through
  /// `transform` concurrently (up to `concurrency` at once, a few tunes ahead), and `body` gets each result on the
  /// calling thread, in file order. Only the results waiting for `body` are held, so memory stays flat however many
  /// tunes the bytes hold; keep `transform`'s result small (the encoded file and what to report, say).
  /// An error thrown by `transform` is rethrown in file order, after `body` has had every earlier tune.
  public static func forEachTune<Output: Sendable>(
    inABCBytes bytes: [UInt8], options: PerformanceOptions = PerformanceOptions(), concurrency: Int,
    transform: @escaping @Sendable (ConvertedTune) throws -> Output, body: (Output) throws -> Void
  ) throws {
    let splitter = ABCTuneSplitter(bytes: bytes)
    let parser = ABCParser()
    try OrderedParallelWork.forEach(
      count: splitter.tuneCount, concurrency: concurrency,
      job: { k -> Output? in
        guard let (tune, shift) = splitter.tune(k, parser: parser) else { return nil }
        var converted = convert(tune, options: options)
        converted.shift(shift)
        return try transform(converted)
      },
      body: { output in
        if let output { try body(output) }
      })
  }

  /// The `X:` numbers of the tunes in ABC bytes, in file order (`nil` for a missing or unreadable number), read
  /// without parsing the tunes.
  public static func referenceNumbers(inABCBytes bytes: [UInt8]) -> [Int?] {
    let splitter = ABCTuneSplitter(bytes: bytes)
    return (0..<splitter.tuneCount).map { splitter.referenceNumber($0) }
  }

  /// Calls `body` with each performed tune of a parsed file, in file order.
  public static func forEachTune(
    in file: ABCFile, options: PerformanceOptions = PerformanceOptions(), _ body: (ConvertedTune) throws -> Void
  ) rethrows {
    for item in file.items {
      guard case .tune(let tune) = item else { continue }
      try body(convert(tune, options: options))
    }
  }

  /// Every tune of `text`, performed (convenient for small files; use `forEachTune` for large ones).
  public static func sequences(fromABCText text: String, options: PerformanceOptions = PerformanceOptions())
    -> [ConvertedTune]
  {
    var result: [ConvertedTune] = []
    forEachTune(inABCText: text, options: options) { result.append($0) }
    return result
  }

  /// One tune of the ABC file at `path` (only that tune is parsed).
  ///
  /// - Throws: `ABCToMIDIError` when the file cannot be read, holds no tune, has no tune matching `tune`, or the
  ///   tune has no music.
  public static func sequence(
    fromFile path: String, tune selector: TuneSelector = .first, options: PerformanceOptions = PerformanceOptions()
  ) throws(ABCToMIDIError) -> ConvertedTune {
    let bytes: [UInt8]
    do {
      bytes = try FileIO.readAll(path: path)
    } catch {
      throw .cannotRead(path: path, reason: error.description)
    }
    return try sequence(inABCBytes: bytes, path: path, tune: selector, options: options)
  }

  /// One tune of ABC text (`path` names it in errors).
  public static func sequence(
    fromABCText text: String, path: String = "<text>", tune selector: TuneSelector = .first,
    options: PerformanceOptions = PerformanceOptions()
  ) throws(ABCToMIDIError) -> ConvertedTune {
    try sequence(inABCBytes: Array(text.utf8), path: path, tune: selector, options: options)
  }

  /// One tune of ABC bytes (only that tune is parsed; `path` names the file in errors).
  public static func sequence(
    inABCBytes bytes: [UInt8], path: String, tune selector: TuneSelector = .first,
    options: PerformanceOptions = PerformanceOptions()
  ) throws(ABCToMIDIError) -> ConvertedTune {
    let splitter = ABCTuneSplitter(bytes: bytes)
    guard splitter.tuneCount > 0 else { throw .noTunes(path: path) }
    let index: Int?
    switch selector {
    case .first: index = 0
    case .referenceNumber(let x): index = (0..<splitter.tuneCount).first { splitter.referenceNumber($0) == x }
    case .ordinal(let i): index = i >= 0 && i < splitter.tuneCount ? i : nil
    }
    guard let index, let (tune, shift) = splitter.tune(index, parser: ABCParser()) else {
      throw .tuneNotFound(
        path: path, selector: selector, available: (0..<splitter.tuneCount).map { splitter.referenceNumber($0) })
    }
    var converted = convert(tune, options: options)
    converted.shift(shift)
    guard converted.hasMusic else { throw .noMusic(path: path, info: converted.info) }
    return converted
  }

  /// One tune of a parsed file; `path` names the file in errors.
  public static func sequence(in file: ABCFile, path: String, tune selector: TuneSelector, options: PerformanceOptions)
    throws(ABCToMIDIError) -> ConvertedTune
  {
    let tunes = file.tunes
    guard !tunes.isEmpty else { throw .noTunes(path: path) }
    let picked: ABCTune?
    switch selector {
    case .first: picked = tunes.first
    case .referenceNumber(let x): picked = tunes.first { $0.referenceNumber == x }
    case .ordinal(let i): picked = i >= 0 && i < tunes.count ? tunes[i] : nil
    }
    guard let tune = picked else {
      throw .tuneNotFound(path: path, selector: selector, available: tunes.map { $0.referenceNumber })
    }
    let converted = convert(tune, options: options)
    guard converted.hasMusic else { throw .noMusic(path: path, info: converted.info) }
    return converted
  }

  /// Performs one parsed tune.
  public static func convert(_ tune: ABCTune, options: PerformanceOptions = PerformanceOptions()) -> ConvertedTune {
    let info = TuneInfo(
      referenceNumber: tune.referenceNumber, title: tune.title, ordinal: tune.index, location: tune.location)
    let (performance, warnings) = ABCPerformer(options: options).perform(tune)
    let sequence = performance.midiSequence(ppq: options.ppq, format: options.format)
    return ConvertedTune(
      info: info, sequence: sequence, performance: performance, diagnostics: tune.diagnostics, warnings: warnings,
      hasMusic: tune.hasMusic)
  }
}

/// Why `ABCToMIDI` could not produce a tune.
public enum ABCToMIDIError: Error, Hashable, Sendable, CustomStringConvertible {
  case cannotRead(path: String, reason: String)
  case noTunes(path: String)
  case tuneNotFound(path: String, selector: ABCToMIDI.TuneSelector, available: [Int?])
  case noMusic(path: String, info: ABCToMIDI.TuneInfo)

  public var description: String {
    switch self {
    case .cannotRead(_, let reason):
      return reason
    case .noTunes(let path):
      return "\(path): no tune found: a tune must begin with an X: line"
    case .tuneNotFound(let path, let selector, let available):
      let numbers = available.map { $0.map(String.init) ?? "?" }
      let shown = numbers.prefix(12).joined(separator: ", ") + (numbers.count > 12 ? ", …" : "")
      return
        "\(path): \(selector) not found; the file has \(available.count) tune(s) (X: \(shown)); choose one with --tune X or --index N"
    case .noMusic(let path, let info):
      let name = info.referenceNumber.map { "X:\($0)" } ?? "tune \(info.ordinal + 1)"
      return
        "\(path):\(info.location.line):\(info.location.column): error: \(name)\(info.title.map { " (\($0))" } ?? "") has no music to convert (check that its header ends with a K: line and notes follow it)"
    }
  }
}
