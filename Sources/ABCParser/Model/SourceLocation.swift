/// A position in ABC text. `line`/`column` are 1-based; `column` counts UTF-8 bytes; `offset` is 0-based
/// (UTF-8 bytes from the start of the parsed text).
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
  // Stored as 32-bit values (texts up to 2 GiB) so that tree nodes stay small; the API uses `Int`.
  private var storedLine: Int32
  private var storedColumn: Int32
  private var storedOffset: Int32

  /// 1-based line number. CR, LF and CRLF each end one line.
  public var line: Int {
    get { Int(storedLine) }
    set { storedLine = Int32(clamping: newValue) }
  }
  /// 1-based column, counted in UTF-8 bytes.
  public var column: Int {
    get { Int(storedColumn) }
    set { storedColumn = Int32(clamping: newValue) }
  }
  /// 0-based UTF-8 byte offset from the start of the text.
  public var offset: Int {
    get { Int(storedOffset) }
    set { storedOffset = Int32(clamping: newValue) }
  }

  public init(line: Int, column: Int, offset: Int) {
    storedLine = Int32(clamping: line)
    storedColumn = Int32(clamping: column)
    storedOffset = Int32(clamping: offset)
  }

  /// The start of a text.
  public static let start = SourceLocation(line: 1, column: 1, offset: 0)

  public static func < (a: SourceLocation, b: SourceLocation) -> Bool { a.storedOffset < b.storedOffset }

  /// `line:column`.
  public var description: String { "\(line):\(column)" }
}

/// A half-open range of ABC source text: `start` is the first byte, `end` the byte after the last one.
public struct SourceRange: Hashable, Sendable, CustomStringConvertible {
  public var start: SourceLocation
  public var end: SourceLocation

  public init(start: SourceLocation, end: SourceLocation) {
    self.start = start
    self.end = end
  }

  /// An empty range at `location`.
  public init(at location: SourceLocation) {
    self.start = location
    self.end = location
  }

  /// Length in UTF-8 bytes.
  public var byteCount: Int { end.offset - start.offset }

  public var description: String { "\(start)-\(end)" }
}

/// `SourceLocation` under a name that does not clash with swift-testing's `Testing.SourceLocation` (the module
/// `ABCParser` also has a type `ABCParser`, so `ABCParser.SourceLocation` cannot disambiguate).
public typealias ABCSourceLocation = SourceLocation
