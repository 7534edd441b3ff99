import ABCParser

/// A simple meter for imported music, `numerator/denominator` (ABC 2.1 §3.1.6 `M:`), written as `M:n/d`.
public struct ImportMeter: Hashable, Sendable, CustomStringConvertible {
  /// Beats per bar, 1…64.
  public let numerator: Int
  /// Beat value, a power of two 1…64.
  public let denominator: Int

  /// Returns `nil` unless `numerator` is 1…64 and `denominator` a power of two 1…64.
  public init?(_ numerator: Int, _ denominator: Int) {
    guard (1...64).contains(numerator), (1...64).contains(denominator), denominator & (denominator - 1) == 0 else {
      return nil
    }
    self.numerator = numerator
    self.denominator = denominator
  }

  /// Reads `6/8`, `C` (4/4) or `C|` (2/2); `nil` for anything else.
  public init?(parsing text: String) {
    let t = ImportText.trimmed(text)
    if t == "C" {
      self.init(4, 4)
      return
    }
    if t == "C|" {
      self.init(2, 2)
      return
    }
    let parts = t.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let n = Int(ImportText.trimmed(String(parts[0]))),
      let d = Int(ImportText.trimmed(String(parts[1])))
    else { return nil }
    self.init(n, d)
  }

  public static let fourFour = ImportMeter(unchecked: 4, 4)
  public static let threeFour = ImportMeter(unchecked: 3, 4)

  private init(unchecked n: Int, _ d: Int) {
    numerator = n
    denominator = d
  }

  /// Length of a bar in whole notes.
  public var barLength: NoteLength { NoteLength(numerator, denominator) }

  /// `true` for 6/8, 9/8, 12/8 …: the beat is a dotted note of three `1/denominator`.
  public var isCompound: Bool { numerator % 3 == 0 && numerator > 3 }

  /// The beat in whole notes: `3/denominator` in compound meters, else `1/denominator`.
  public var beat: NoteLength { NoteLength(isCompound ? 3 : 1, denominator) }

  /// The meter as written with a time scale applied: on a triplet grid (`scale` 3/2) 4/4 becomes 12/8, 2/4 becomes
  /// 6/8 and 3/4 becomes 9/8. `nil` when the result is not a meter this type holds.
  func scaled(by scale: NoteLength) -> ImportMeter? {
    if scale == .one { return self }
    let bar = barLength * scale
    // Smallest power-of-two denominator ≥ 8 that makes the numerator whole (compound meters count eighths).
    var d = max(8, denominator)
    while d <= 64 {
      if let n = (bar * NoteLength(d)).importedInteger, let m = ImportMeter(n, d) { return m }
      d *= 2
    }
    return nil
  }

  /// `6/8`.
  public var description: String { "\(numerator)/\(denominator)" }
}

extension NoteLength {
  /// The value as an `Int` when it is a whole number.
  var importedInteger: Int? { denominator == 1 ? numerator : nil }
}
