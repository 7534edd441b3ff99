/// Parses ABC 2.1 text into an `ABCFile` tree plus diagnostics. Never throws, traps or hangs on any input: bad
/// input gives diagnostics and the parser recovers at the next bar line, line or tune (style.md §4).
///
/// Works on UTF-8 bytes in linear time without recursion on input-controlled depth.
///
/// ```swift
/// let file = ABCParser().parse(text)
/// for tune in file.tunes { print(tune.title ?? "untitled", tune.key as Any) }
/// ```
public struct ABCParser: Sendable {
  public var options: ParseOptions

  public init(options: ParseOptions = ParseOptions()) { self.options = options }

  /// Parses a whole ABC file held in a `String`.
  public func parse(_ text: String) -> ABCFile {
    var copy = text
    return copy.withUTF8 { parse(utf8: $0) }
  }

  /// Parses a whole ABC file from raw bytes (UTF-8 expected; invalid sequences are diagnosed ABC042 and replaced
  /// by U+FFFD in the tree).
  public func parse(bytes: [UInt8]) -> ABCFile {
    bytes.withUnsafeBufferPointer { parse(utf8: $0) }
  }

  /// Parses a whole ABC file from a buffer of UTF-8 bytes.
  public func parse(utf8: UnsafeBufferPointer<UInt8>) -> ABCFile {
    FileParser(bytes: utf8, options: options).parseFile()
  }

  /// Parses a whole ABC file, handing each tune to `eachTune` as soon as it is parsed instead of keeping it: the
  /// returned file has everything but the tunes (header, free text, file-level diagnostics). Memory holds one tune
  /// tree at a time, not the whole file's.
  public func parse(utf8: UnsafeBufferPointer<UInt8>, eachTune: (ABCTune) -> Void) -> ABCFile {
    withoutActuallyEscaping(eachTune) { FileParser(bytes: utf8, options: options).parseFile(eachTune: $0) }
  }

  /// Parses the first tune of `text` (or the whole text as a fragment when `options.fragment` is set or the text
  /// has no `X:` line). Returns `nil` when there is no tune.
  public func parseTune(_ text: String) -> ABCTune? {
    var opts = options
    if !text.utf8.contains(UInt8(ascii: "X")) || !Self.hasReferenceLine(text) { opts.fragment = true }
    return ABCParser(options: opts).parse(text).tunes.first
  }

  /// Parses and throws the first error-severity diagnostic (strict convenience API, style.md §4).
  ///
  /// - Throws: `ABCParseError.invalidABC` with the first error.
  public func parseStrictly(_ text: String) throws(ABCParseError) -> ABCFile {
    let file = parse(text)
    if let first = file.allDiagnostics.first(where: { $0.severity == .error }) { throw .invalidABC(first) }
    return file
  }

  /// Reads and parses the file at `path`.
  ///
  /// - Throws: `ABCParseError.unreadableFile` when the file cannot be read.
  public func parseFile(atPath path: String) throws(ABCParseError) -> ABCFile {
    let bytes: [UInt8]
    do { bytes = try FileBytes.read(path: path) } catch { throw .unreadableFile(path: path, reason: error.reason) }
    return parse(bytes: bytes)
  }

  static func hasReferenceLine(_ text: String) -> Bool {
    var atLineStart = true
    var prev: UInt8 = 0
    for u in text.utf8 {
      if atLineStart && u == UInt8(ascii: ":") && prev == UInt8(ascii: "X") { return true }
      if u == 0x0A || u == 0x0D {
        atLineStart = true
        prev = 0
        continue
      }
      if prev != 0 { atLineStart = false }
      prev = u
    }
    return false
  }
}

/// How to read ABC text.
public struct ParseOptions: Hashable, Sendable {
  /// What to do with empty lines directly after a tune's `K:` header line.
  public enum BlankLinesAfterHeader: Hashable, Sendable {
    /// ABC 2.1 / abc2midi: an empty line ends the tune (the music after it becomes free text).
    case endTune
    /// When the next non-empty line is music (not `X:` and not free text), the tune goes on, with a warning
    /// (ABC037). This is what games reading the pop corpus do (default).
    case continueIfMusicFollows
  }

  /// Strict mode (`%abc-2.1` files, `--strict`): warnings of the legacy/dirty kinds become errors.
  public var strict: Bool
  /// Reading of an empty line right after the `K:` line (see `BlankLinesAfterHeader`).
  public var blankLinesAfterHeader: BlankLinesAfterHeader
  /// Treat text without `X:` as one tune body (F-19): no `X:`/`T:`/`K:` needed, treble clef, no key, free meter.
  public var fragment: Bool
  /// The largest tune parsed, in bytes (from its `X:` line to the next empty line); a larger one is kept as its
  /// `X:` line only, with an `abc.tune.too-large` error, so one absurd tune (a 10 MB line of notes) cannot take
  /// gigabytes of memory. Default 1 MiB (the largest tunes of the corpora are a few kilobytes); nil: no limit.
  public var maxTuneBytes: Int?

  /// The default `maxTuneBytes`.
  public static let defaultMaxTuneBytes = 1 << 20

  public init(
    strict: Bool = false, blankLinesAfterHeader: BlankLinesAfterHeader = .continueIfMusicFollows, fragment: Bool = false,
    maxTuneBytes: Int? = ParseOptions.defaultMaxTuneBytes
  ) {
    self.strict = strict
    self.blankLinesAfterHeader = blankLinesAfterHeader
    self.fragment = fragment
    self.maxTuneBytes = maxTuneBytes
  }
}
