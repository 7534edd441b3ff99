import ABCParser

/// Cuts ABC text into its file header and one piece per tune without parsing it, so a large file can be parsed and
/// performed one tune at a time in flat memory.
///
/// A tune starts at every line beginning with `X:` (also without the empty line before it, as the parser reads loose
/// files, H-08) and runs to the next one. Each piece is parsed as the file header followed by the tune, which gives
/// the parser the same header defaults the whole file would; `LocationShift` moves locations back to the whole file.
struct ABCTuneSplitter {
  let bytes: [UInt8]
  /// Byte offset and 1-based line of each `X:` line.
  private(set) var starts: [(offset: Int, line: Int)] = []

  init(bytes: [UInt8]) {
    self.bytes = bytes
    var line = 1
    var lineStart = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    var i = lineStart
    let n = bytes.count
    while i <= n {
      if i == lineStart, i + 1 < n, bytes[i] == UInt8(ascii: "X"), bytes[i + 1] == UInt8(ascii: ":") {
        starts.append((i, line))
      }
      guard i < n else { break }
      let b = bytes[i]
      if b == 0x0A || b == 0x0D {
        if b == 0x0D, i + 1 < n, bytes[i + 1] == 0x0A { i += 1 }
        line += 1
        lineStart = i + 1
      }
      i += 1
    }
  }

  var tuneCount: Int { starts.count }

  /// The bytes before the first tune (the file header and any free text).
  var header: ArraySlice<UInt8> { bytes[..<(starts.first?.offset ?? bytes.count)] }

  /// Tune `k`'s own bytes.
  func tuneBytes(_ k: Int) -> ArraySlice<UInt8> {
    bytes[starts[k].offset..<(k + 1 < starts.count ? starts[k + 1].offset : bytes.count)]
  }

  /// The `X:` number written on tune `k`'s first line, if it is one.
  func referenceNumber(_ k: Int) -> Int? {
    var digits = ""
    for b in tuneBytes(k).dropFirst(2) {
      if b == 0x20 || b == 0x09 { if digits.isEmpty { continue } else { break } }
      guard b >= 0x30 && b <= 0x39, digits.count < 18 else { break }
      digits.append(Character(UnicodeScalar(b)))
    }
    return Int(digits)
  }

  /// Parses tune `k` with the file header in front. Locations in the result are relative to that piece; `shift`
  /// moves them back to the whole file.
  func tune(_ k: Int, parser: ABCParser) -> (tune: ABCTune, shift: LocationShift)? {
    let head = header
    let piece = Array(head) + Array(tuneBytes(k))
    guard var tune = parser.parse(bytes: piece).tunes.first else { return nil }
    tune.index = k
    let shift = LocationShift(
      fromOffset: head.count, fromLine: headerLines + 1, byteDelta: starts[k].offset - head.count,
      lineDelta: starts[k].line - (headerLines + 1))
    return (tune, shift)
  }

  /// Lines in the header (it ends with a line break, or is empty).
  private var headerLines: Int { (starts.first?.line ?? 1) - 1 }
}

/// Moves source locations at or after `fromOffset` by whole lines and bytes (columns stay: pieces start lines).
struct LocationShift {
  var fromOffset: Int
  /// The piece's first line of the tune (lines before it are the file header, which does not move).
  var fromLine: Int
  var byteDelta: Int
  var lineDelta: Int

  func apply(_ l: SourceLocation) -> SourceLocation {
    guard l.offset >= fromOffset else { return l }
    return SourceLocation(line: l.line + lineDelta, column: l.column, offset: l.offset + byteDelta)
  }

  func apply(_ l: SourceLocation?) -> SourceLocation? { l.map { apply($0) } }

  /// Moves the `line:column` positions a message quotes ("chord opened at 9:46 has no ]").
  func apply(message: String) -> String {
    guard lineDelta != 0, message.contains(" at ") else { return message }
    var out = ""
    var rest = message[...]
    while let range = rest.range(of: " at ") {
      out += rest[..<range.upperBound]
      rest = rest[range.upperBound...]
      let digits = rest.prefix { $0.isASCII && $0.isNumber }
      guard !digits.isEmpty, rest.dropFirst(digits.count).first == ":", let line = Int(digits), line >= fromLine else {
        continue
      }
      out += String(line + lineDelta)
      rest = rest.dropFirst(digits.count)
    }
    return out + rest
  }
}
