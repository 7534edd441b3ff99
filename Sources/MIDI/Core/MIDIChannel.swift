/// A MIDI channel, 0…15 (shown to users as 1…16). Channel 9 (user channel 10) is General MIDI percussion.
public struct MIDIChannel: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The wire value, 0…15 (the low nibble of a channel-voice status byte).
  public let value: UInt8

  /// Traps when `value` is outside 0…15; use `init?(exactly:)` for untrusted input.
  public init(_ value: Int) {
    precondition((0...15).contains(value), "MIDI channel \(value) is outside 0…15")
    self.value = UInt8(value)
  }

  /// Returns `nil` when `value` is outside 0…15.
  public init?(exactly value: Int) {
    guard (0...15).contains(value) else { return nil }
    self.value = UInt8(value)
  }

  /// For bytes already masked to 4 bits by the caller (the SMF reader).
  init(lowNibbleOf byte: UInt8) { self.value = byte & 0x0F }

  /// The General MIDI percussion channel (user channel 10).
  public static let percussion = MIDIChannel(9)

  /// True for channel 9 (user channel 10), the General MIDI percussion channel.
  public var isPercussion: Bool { value == 9 }
  /// The channel as users number it, 1…16.
  public var userNumber: Int { Int(value) + 1 }
  public var description: String { "ch\(Int(value) + 1)" }
  public static func < (a: Self, b: Self) -> Bool { a.value < b.value }
}
