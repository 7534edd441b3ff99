/// The UTF-8 bytes being parsed plus a table of lines. Only valid during one `parse` call.
struct SourceText {
  /// One source line: `start..<contentEnd` is the text, `contentEnd..<next` the line end (empty at end of file).
  struct Line {
    var start: Int
    var contentEnd: Int
    var next: Int
  }

  let bytes: UnsafeBufferPointer<UInt8>
  private(set) var lines: [Line] = []

  init(bytes: UnsafeBufferPointer<UInt8>) {
    self.bytes = bytes
    var start = 0
    var i = 0
    let n = bytes.count
    lines.reserveCapacity(n / 24 + 1)
    while i < n {
      let c = bytes[i]
      if c == 0x0A {
        lines.append(Line(start: start, contentEnd: i, next: i + 1))
        i += 1
        start = i
      } else if c == 0x0D {
        let next = (i + 1 < n && bytes[i + 1] == 0x0A) ? i + 2 : i + 1
        lines.append(Line(start: start, contentEnd: i, next: next))
        i = next
        start = i
      } else {
        i += 1
      }
    }
    if start < n { lines.append(Line(start: start, contentEnd: n, next: n)) }
  }

  /// The string for `a..<b` (invalid UTF-8 is repaired with U+FFFD).
  @inline(__always)
  func string(_ a: Int, _ b: Int) -> String {
    guard a < b else { return "" }
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[a..<b]), as: UTF8.self)
  }

  /// Location of byte `offset` on line `lineIndex` (0-based index into `lines`).
  @inline(__always)
  func location(line lineIndex: Int, offset: Int) -> SourceLocation {
    let start = lineIndex < lines.count ? lines[lineIndex].start : bytes.count
    return SourceLocation(line: lineIndex + 1, column: offset - start + 1, offset: offset)
  }

  /// Location of any byte offset (binary search over the line table).
  func location(offset: Int) -> SourceLocation {
    var lo = 0
    var hi = lines.count - 1
    if hi < 0 { return SourceLocation(line: 1, column: offset + 1, offset: offset) }
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if lines[mid].start <= offset { lo = mid } else { hi = mid - 1 }
    }
    return location(line: lo, offset: offset)
  }

  /// `true` when the line holds only spaces and tabs (an empty line, F-07).
  func isEmpty(_ l: Int) -> Bool {
    let line = lines[l]
    var i = line.start
    while i < line.contentEnd {
      let c = bytes[i]
      if c != 0x20 && c != 0x09 { return false }
      i += 1
    }
    return true
  }

  /// The field letter when the line starts with `<letter>:` or `+:` (no leading space), else `nil`.
  func fieldLetter(_ l: Int) -> UInt8? {
    let line = lines[l]
    guard line.contentEnd - line.start >= 2 else { return nil }
    let c = bytes[line.start]
    guard bytes[line.start + 1] == UInt8(ascii: ":") else { return nil }
    if ByteClass.isLetter(c) || c == UInt8(ascii: "+") { return c }
    return nil
  }

  /// `true` when the line starts with `X:`.
  func isReferenceLine(_ l: Int) -> Bool { fieldLetter(l) == UInt8(ascii: "X") }

  /// `true` when the line starts with `%%`.
  func isDirectiveLine(_ l: Int) -> Bool {
    let line = lines[l]
    return line.contentEnd - line.start >= 2 && bytes[line.start] == 0x25 && bytes[line.start + 1] == 0x25
  }

  /// `true` when the first non-blank byte is `%`.
  func isCommentLine(_ l: Int) -> Bool {
    let line = lines[l]
    var i = line.start
    while i < line.contentEnd, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
    return i < line.contentEnd && bytes[i] == 0x25
  }

  /// Heuristic: does this line read as music (not prose)? Used for the blank-line-after-header reading and for
  /// warnings about music after a tune ended. Outside quotes, `!…!` and `[…]` fields, every letter must be a note,
  /// rest or a decoration shorthand, and there must be at least one note, rest or bar line.
  func looksLikeMusic(_ l: Int, extraLetters: Set<UInt8> = []) -> Bool {
    let line = lines[l]
    var i = line.start
    let end = line.contentEnd
    if fieldLetter(l) != nil { return true }
    var sawMusic = false
    while i < end {
      let c = bytes[i]
      switch c {
      case UInt8(ascii: "%"):
        return sawMusic || i == line.start || isCommentLine(l)
      case UInt8(ascii: "\""):
        i += 1
        while i < end, bytes[i] != UInt8(ascii: "\"") { i += 1 }
      case UInt8(ascii: "!"):
        var j = i + 1
        while j < end, bytes[j] != UInt8(ascii: "!"), bytes[j] != 0x20 { j += 1 }
        if j < end, bytes[j] == UInt8(ascii: "!") { i = j }
      case UInt8(ascii: "["):
        if i + 2 < end, ByteClass.isLetter(bytes[i + 1]), bytes[i + 2] == UInt8(ascii: ":") {
          while i < end, bytes[i] != UInt8(ascii: "]") { i += 1 }
          sawMusic = true
        }
      case UInt8(ascii: "|"): sawMusic = true
      default:
        if ByteClass.isLetter(c) {
          if ByteClass.isNoteLetter(c) || c == UInt8(ascii: "z") || c == UInt8(ascii: "x") || c == UInt8(ascii: "Z") {
            sawMusic = true
          } else if !(Decoration.defaultShorthands[c] != nil || c == UInt8(ascii: "y") || c == UInt8(ascii: "X")
            || extraLetters.contains(c))
          {
            return false
          }
        } else if c >= 0x80 {
          return false
        }
      }
      i += 1
    }
    return sawMusic
  }
}

/// Byte classification helpers.
enum ByteClass {
  @inline(__always) static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
  @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
  @inline(__always) static func isNoteLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x67 }
  @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }
}
