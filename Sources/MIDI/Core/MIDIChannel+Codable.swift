/// Channels and data bytes encode as plain JSON numbers (a channel as 0…15); decoding checks the range.
extension MIDIChannel: Codable {
  public init(from decoder: any Decoder) throws {
    let raw = try decoder.singleValueContainer().decode(Int.self)
    guard let channel = MIDIChannel(exactly: raw) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "MIDI channel \(raw) is outside 0…15"))
    }
    self = channel
  }
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(Int(value))
  }
}

extension UInt7: Codable {
  public init(from decoder: any Decoder) throws {
    let raw = try decoder.singleValueContainer().decode(Int.self)
    guard let byte = UInt7(exactly: raw) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "MIDI data byte \(raw) is outside 0…127"))
    }
    self = byte
  }
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(int)
  }
}
