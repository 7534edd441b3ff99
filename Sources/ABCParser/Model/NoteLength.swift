/// An exact, normalised rational number, used for note lengths (in whole notes or in unit lengths), meters and
/// tempo beats. Never a floating-point value (ABC 2.1 §4.3; checklist D-03).
///
/// The denominator is always positive and the fraction is in lowest terms. Components stay within
/// `±NoteLength.limit`, so arithmetic on hostile input can never trap: `+ - * /` clamp a result that would not fit
/// to the nearest representable fraction, and the `adding(_:)`-style methods return `nil` instead.
public struct NoteLength: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// Largest magnitude of a numerator or denominator (2³¹); products of two components never overflow `Int`.
  public static let limit = 1 << 31

  public let numerator: Int
  /// Always ≥ 1.
  public let denominator: Int

  /// Creates `numerator/denominator` in lowest terms.
  ///
  /// Traps when `denominator` is 0 or a component exceeds `limit`; use `init?(exactly:_:)` for untrusted values.
  public init(_ numerator: Int, _ denominator: Int = 1) {
    guard let value = NoteLength(exactly: numerator, denominator) else {
      preconditionFailure("NoteLength(\(numerator), \(denominator)) is out of range")
    }
    self = value
  }

  /// Creates `numerator/denominator` in lowest terms, or `nil` when the denominator is 0 or a component's magnitude
  /// exceeds `limit` after reduction.
  public init?(exactly numerator: Int, _ denominator: Int) {
    guard denominator != 0, numerator != Int.min, denominator != Int.min else { return nil }
    var n = numerator
    var d = denominator
    if d < 0 {
      n = -n
      d = -d
    }
    if n == 0 {
      d = 1
    } else if d & (d - 1) == 0 {
      // Power-of-two denominator (almost every musical value): reduce with shifts.
      let shift = Swift.min(n.trailingZeroBitCount, d.trailingZeroBitCount)
      n >>= shift
      d >>= shift
    } else {
      let g = NoteLength.gcd(Swift.abs(n), d)
      if g > 1 {
        n /= g
        d /= g
      }
    }
    guard Swift.abs(n) <= NoteLength.limit, d <= NoteLength.limit else { return nil }
    self.numerator = n
    self.denominator = d
  }

  private init(reduced n: Int, _ d: Int) {
    numerator = n
    denominator = d
  }

  public static let zero = NoteLength(reduced: 0, 1)
  public static let one = NoteLength(reduced: 1, 1)

  /// Greatest common divisor of two non-negative integers (`gcd(0, 0) == 1`).
  static func gcd(_ a: Int, _ b: Int) -> Int {
    var a = a
    var b = b
    while b != 0 { (a, b) = (b, a % b) }
    return a == 0 ? 1 : a
  }

  /// `true` when the value is 0.
  public var isZero: Bool { numerator == 0 }
  /// The value as a `Double` (for display and tempo arithmetic only).
  public var doubleValue: Double { Double(numerator) / Double(denominator) }
  /// `true` when the denominator is a power of two (a value a standard note shape can show).
  public var hasPowerOfTwoDenominator: Bool { denominator & (denominator - 1) == 0 }

  /// `numerator/denominator`, or just the numerator when the denominator is 1.
  public var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }

  /// `self + other`, or `nil` when the exact result does not fit.
  public func adding(_ other: NoteLength) -> NoteLength? {
    if denominator == other.denominator {
      return NoteLength(exactly: numerator + other.numerator, denominator)
    }
    // Components are at most 2³¹, so each product is below 2⁶² and the sum below 2⁶³.
    return NoteLength(
      exactly: numerator * other.denominator + other.numerator * denominator, denominator * other.denominator)
  }

  /// `self - other`, or `nil` when the exact result does not fit.
  public func subtracting(_ other: NoteLength) -> NoteLength? {
    adding(NoteLength(reduced: -other.numerator, other.denominator))
  }

  /// `self × other`, or `nil` when the exact result does not fit.
  public func multiplied(by other: NoteLength) -> NoteLength? {
    NoteLength(exactly: numerator * other.numerator, denominator * other.denominator)
  }

  /// `self ÷ other`, or `nil` when `other` is 0 or the exact result does not fit.
  public func divided(by other: NoteLength) -> NoteLength? {
    guard other.numerator != 0 else { return nil }
    return multiplied(by: NoteLength(reduced: other.denominator, other.numerator).normalisedSign)
  }

  private var normalisedSign: NoteLength {
    denominator < 0 ? NoteLength(reduced: -numerator, -denominator) : self
  }

  /// The closest fraction with components within `limit` to `value` (used when exact arithmetic overflows).
  public static func approximating(_ value: Double) -> NoteLength {
    guard value.isFinite else { return value > 0 ? NoteLength(reduced: limit, 1) : NoteLength(reduced: -limit, 1) }
    if Swift.abs(value) >= Double(limit) { return NoteLength(reduced: value > 0 ? limit : -limit, 1) }
    // Continued-fraction expansion with bounded denominators.
    var (h0, h1, k0, k1) = (0, 1, 1, 0)
    var x = value
    for _ in 0..<64 {
      let a = x.rounded(.down)
      guard Swift.abs(a) < Double(limit) else { break }
      let ai = Int(a)
      let h2 = ai.multipliedReportingOverflow(by: h1)
      let k2 = ai.multipliedReportingOverflow(by: k1)
      guard !h2.overflow, !k2.overflow else { break }
      let hn = h2.partialValue + h0
      let kn = k2.partialValue + k0
      guard Swift.abs(hn) <= limit, Swift.abs(kn) <= limit else { break }
      (h0, h1, k0, k1) = (h1, hn, k1, kn)
      let frac = x - a
      if frac < 1e-12 { break }
      x = 1 / frac
    }
    return NoteLength(exactly: h1, k1 == 0 ? 1 : k1) ?? .zero
  }

  public static func + (a: NoteLength, b: NoteLength) -> NoteLength {
    a.adding(b) ?? approximating(a.doubleValue + b.doubleValue)
  }
  public static func - (a: NoteLength, b: NoteLength) -> NoteLength {
    a.subtracting(b) ?? approximating(a.doubleValue - b.doubleValue)
  }
  public static func * (a: NoteLength, b: NoteLength) -> NoteLength {
    a.multiplied(by: b) ?? approximating(a.doubleValue * b.doubleValue)
  }
  /// Division; dividing by zero gives zero (never traps).
  public static func / (a: NoteLength, b: NoteLength) -> NoteLength {
    if b.isZero { return .zero }
    return a.divided(by: b) ?? approximating(a.doubleValue / b.doubleValue)
  }
  public static func += (a: inout NoteLength, b: NoteLength) { a = a + b }
  public static func -= (a: inout NoteLength, b: NoteLength) { a = a - b }
  public static func *= (a: inout NoteLength, b: NoteLength) { a = a * b }
  public static prefix func - (a: NoteLength) -> NoteLength { NoteLength(reduced: -a.numerator, a.denominator) }

  public static func < (a: NoteLength, b: NoteLength) -> Bool {
    // Components are ≤ 2³¹, so the cross products fit in Int.
    a.numerator * b.denominator < b.numerator * a.denominator
  }
}

/// Another name for `NoteLength`, for values that are not lengths (meter fractions, ratios).
public typealias Rational = NoteLength
