/// A MIDI channel, 0…15 (shown to users as 1…16). Channel 9 (user channel 10) is General MIDI percussion.
public struct MIDIChannel: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let value: UInt8

  /// Traps when `value` is outside 0…15; use `init?(exactly:)` for untrusted input.
  public init(_ value: Int) {
    precondition((0...15).contains(value), "MIDI channel \(value) is outside 0…15")
    self.value = UInt8(value)
  }

  public init?(exactly value: Int) {
    guard (0...15).contains(value) else { return nil }
    self.value = UInt8(value)
  }

  /// The General MIDI percussion channel (user channel 10).
  public static let percussion = MIDIChannel(9)

  public var isPercussion: Bool { value == 9 }
  public var description: String { "ch\(Int(value) + 1)" }
  public static func < (a: Self, b: Self) -> Bool { a.value < b.value }
}

/// A 7-bit MIDI data byte, 0…127 (note numbers, velocities, controller values, programs).
public struct UInt7: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
  public let value: UInt8

  /// Traps when `value` is outside 0…127; use `init?(exactly:)` or `init(clamping:)` for untrusted input.
  public init(_ value: Int) {
    precondition((0...127).contains(value), "MIDI data byte \(value) is outside 0…127")
    self.value = UInt8(value)
  }

  public init?(exactly value: Int) {
    guard (0...127).contains(value) else { return nil }
    self.value = UInt8(value)
  }

  public init(clamping value: Int) { self.value = UInt8(min(127, max(0, value))) }
  public init(integerLiteral value: Int) { self.init(value) }

  public var int: Int { Int(value) }
  public var description: String { String(value) }
  public static func < (a: Self, b: Self) -> Bool { a.value < b.value }
}
