/// A 7-bit MIDI data byte, 0…127 (note numbers, velocities, controller values, programs).
public struct UInt7: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
  /// The wire value, 0…127.
  public let value: UInt8

  /// Traps when `value` is outside 0…127; use `init?(exactly:)` or `init(clamping:)` for untrusted input.
  public init(_ value: Int) {
    precondition((0...127).contains(value), "MIDI data byte \(value) is outside 0…127")
    self.value = UInt8(value)
  }

  /// Returns `nil` when `value` is outside 0…127.
  public init?(exactly value: Int) {
    guard (0...127).contains(value) else { return nil }
    self.value = UInt8(value)
  }

  /// Clamps `value` into 0…127.
  public init(clamping value: Int) { self.value = UInt8(min(127, max(0, value))) }
  public init(integerLiteral value: Int) { self.init(value) }

  /// For bytes the caller has already checked to be below 0x80 (the SMF reader); keeps the low 7 bits.
  init(dataByte byte: UInt8) { self.value = byte & 0x7F }

  /// The value as an `Int`.
  public var int: Int { Int(value) }
  public var description: String { String(value) }
  public static func < (a: Self, b: Self) -> Bool { a.value < b.value }
}
