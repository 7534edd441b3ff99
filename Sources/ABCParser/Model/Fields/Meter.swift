/// An `M:` value (ABC 2.1 §3.1.6; checklist M-01…M-07).
public enum Meter: Hashable, Sendable, CustomStringConvertible {
  /// `M:none` or empty `M:`: free meter, no bar checking.
  case none
  /// `M:C` = 4/4.
  case common
  /// `M:C|` = 2/2.
  case cut
  /// `M:6/8`, `M:(2+3+2)/8` (`numerators` = [2, 3, 2]).
  case fraction(numerators: [Int], denominator: Int)

  /// Length of one bar in whole notes, `nil` in free meter.
  public var barLength: NoteLength? {
    switch self {
    case .none: return nil
    case .common: return NoteLength(1)
    case .cut: return NoteLength(1)
    case .fraction(let ns, let d):
      var sum = 0
      for n in ns {
        let r = sum.addingReportingOverflow(n)
        if r.overflow { return nil }
        sum = r.partialValue
      }
      return NoteLength(exactly: sum, d)
    }
  }

  /// Numerator (sum) and denominator as a time signature (`C` → 4/4, `C|` → 2/2), `nil` in free meter.
  public var timeSignature: (numerator: Int, denominator: Int)? {
    switch self {
    case .none: return nil
    case .common: return (4, 4)
    case .cut: return (2, 2)
    case .fraction(let ns, let d):
      return (ns.reduce(0) { $0 &+ $1 }, d)
    }
  }

  /// `true` for 6/8, 9/8, 12/8 … (numerator a multiple of 3 greater than 3): tuplet `q` defaults to 3 (TU-01).
  public var isCompound: Bool {
    guard let ts = timeSignature else { return false }
    return ts.numerator % 3 == 0 && ts.numerator > 3
  }

  /// Default unit note length for a header meter (checklist L-02): below 0.75 → 1/16, otherwise 1/8.
  public var defaultUnitLength: NoteLength {
    switch self {
    case .none, .common, .cut: return NoteLength(1, 8)
    case .fraction:
      guard let bar = barLength else { return NoteLength(1, 8) }
      return bar < NoteLength(3, 4) ? NoteLength(1, 16) : NoteLength(1, 8)
    }
  }

  public var description: String {
    switch self {
    case .none: return "none"
    case .common: return "C"
    case .cut: return "C|"
    case .fraction(let ns, let d):
      return ns.count == 1 ? "\(ns[0])/\(d)" : "(\(ns.map(String.init).joined(separator: "+")))/\(d)"
    }
  }
}
