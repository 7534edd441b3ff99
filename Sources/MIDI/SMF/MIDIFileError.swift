/// Why a Standard MIDI File could not be read or written.
///
/// Reader cases carry `offset`, the 0-based byte offset from the start of the file, and `track`, the 0-based index of
/// the `MTrk` chunk (the order in the file). `read(path:)` and `write(_:to:)` wrap every error in `inFile` so the
/// description names the file.
public enum MIDIFileError: Error, Hashable, Sendable, CustomStringConvertible {
  // MARK: Reading

  /// The file ends inside the `MThd` header chunk; `offset` is where more bytes were needed (the file length).
  case truncatedHeader(offset: Int)
  /// A chunk starts with `found` instead of `expected` ("MThd" first, then "MTrk"); `track` is the track chunk
  /// being looked for (`nil` for the header). Chunks with other printable 4-letter ids are skipped, as SMF 1.0 asks.
  case badChunkID(found: [UInt8], expected: String, track: Int?, offset: Int)
  /// The `MThd` length field is below 6.
  case invalidHeaderLength(Int, offset: Int)
  /// The format field is not 0, 1 or 2.
  case unsupportedFormat(Int, offset: Int)
  /// The division field is 0 or an SMPTE time code (bit 15 set); only ticks per quarter note are supported.
  case unsupportedTimeDivision(UInt16, offset: Int)
  /// The file ends before track `track` of the `declared` number of tracks.
  case missingTrack(track: Int, declared: Int, offset: Int)
  /// The file ends inside the 8-byte header of the chunk at `offset`.
  case truncatedChunkHeader(track: Int, offset: Int)
  /// The chunk at `offset` declares `length` data bytes but only `available` remain in the file.
  case chunkLengthPastEnd(track: Int, offset: Int, length: Int, available: Int)
  /// The event starting at `offset` is cut off by the end of its track chunk at `chunkEnd`.
  case truncatedTrack(track: Int, offset: Int, chunkEnd: Int)
  /// A variable-length quantity at `offset` is longer than 4 bytes.
  case invalidVariableLengthQuantity(track: Int, offset: Int)
  /// A data byte at `offset` where a status byte is needed, and no earlier status to repeat (running status).
  case runningStatusWithoutStatus(track: Int, offset: Int)
  /// The byte at `offset` is a status byte (≥ 0x80) where the `status` message needs a data byte.
  case missingDataByte(track: Int, offset: Int, status: UInt8)
  /// A status byte that cannot appear in an SMF track (system common or real-time, 0xF1…0xFE except 0xF7).
  case unexpectedStatus(UInt8, track: Int, offset: Int)

  // MARK: Writing

  /// Format 0 holds exactly one track.
  case formatZeroNeedsOneTrack(trackCount: Int)
  /// The sequence's format is not 0, 1 or 2.
  case unwritableFormat(Int)
  /// PPQ must be 1…32767 (the SMF division field with bit 15 clear).
  case ppqOutOfRange(Int)
  /// An SMF holds at most 65 535 tracks.
  case tooManyTracks(Int)
  /// An event has a negative tick.
  case negativeTick(track: Int, tick: Int)
  /// The gap before the event at `tick` is above 0x0FFFFFFF ticks, the largest SMF delta time.
  case tickGapTooLarge(track: Int, tick: Int)
  /// A field of the event at `tick` has a value the SMF cannot hold; `allowed` says what can.
  case valueOutOfRange(track: Int, tick: Int, field: String, value: Int, allowed: String)

  // MARK: Files

  /// The file could not be opened or read; `code` is the `errno` value.
  case cannotRead(path: String, code: Int32, message: String)
  /// The file (or its temporary sibling) could not be written or renamed; `code` is the `errno` value.
  case cannotWrite(path: String, code: Int32, message: String)
  /// An error while reading or writing the file at `path`.
  indirect case inFile(path: String, MIDIFileError)

  /// The error without the `inFile` wrapper.
  public var underlying: MIDIFileError {
    if case .inFile(_, let inner) = self { return inner.underlying }
    return self
  }

  /// One line: the file (when known), `error:`, where in the file, what is wrong and what to do.
  public var description: String {
    switch self {
    case .inFile(let path, let inner): return "\(path): error: \(inner.message)"
    default: return "error: \(message)"
    }
  }

  /// The message without the file name or `error:` prefix.
  public var message: String {
    switch self {
    case .truncatedHeader(let offset):
      return "\(Self.at(nil, offset)): the file ends inside the MThd header; it is truncated or not a MIDI file"
    case .badChunkID(let found, let expected, let track, let offset):
      let what = track == nil ? "the file does not start with a MIDI header" : "expected a track chunk"
      return "\(Self.at(track, offset)): bad chunk id \(Self.show(found)), expected \"\(expected)\": \(what); "
        + "the file is damaged or not a Standard MIDI File"
    case .invalidHeaderLength(let length, let offset):
      return "\(Self.at(nil, offset)): MThd length is \(length), must be at least 6; the file is damaged"
    case .unsupportedFormat(let format, let offset):
      return "\(Self.at(nil, offset)): SMF format \(format) is not supported (only 0, 1 and 2 exist)"
    case .unsupportedTimeDivision(let division, let offset):
      let why = division & 0x8000 != 0 ? "an SMPTE time code" : "0 ticks per quarter note"
      return "\(Self.at(nil, offset)): time division 0x\(Self.hex(Int(division), width: 4)) is \(why); "
        + "only ticks per quarter note are supported, re-export the file with PPQ timing"
    case .missingTrack(let track, let declared, let offset):
      return "\(Self.at(track, offset)): the file ends before track \(track) of the \(declared) its header declares; "
        + "it is truncated"
    case .truncatedChunkHeader(let track, let offset):
      return "\(Self.at(track, offset)): the file ends inside a chunk header; it is truncated"
    case .chunkLengthPastEnd(let track, let offset, let length, let available):
      return "\(Self.at(track, offset)): the chunk declares \(length) bytes but only \(available) remain; "
        + "the file is truncated or the length field is damaged"
    case .truncatedTrack(let track, let offset, let chunkEnd):
      return "\(Self.at(track, offset)): truncated track: the event here is cut off by the end of the track chunk "
        + "at byte \(Self.place(chunkEnd)); the file is damaged"
    case .invalidVariableLengthQuantity(let track, let offset):
      return "\(Self.at(track, offset)): variable-length number longer than 4 bytes; the track data is damaged"
    case .runningStatusWithoutStatus(let track, let offset):
      return "\(Self.at(track, offset)): data byte without a status byte before it (running status with no "
        + "earlier status); the track data is damaged"
    case .missingDataByte(let track, let offset, let status):
      return "\(Self.at(track, offset)): missing data byte: status 0x\(Self.hex(Int(status), width: 2)) needs a "
        + "data byte (below 0x80) here; the track data is damaged"
    case .unexpectedStatus(let status, let track, let offset):
      return "\(Self.at(track, offset)): status byte 0x\(Self.hex(Int(status), width: 2)) cannot appear in a MIDI "
        + "file track; the track data is damaged"
    case .formatZeroNeedsOneTrack(let count):
      return "format 0 holds exactly one track, this sequence has \(count); use format 1 or `flattened()`"
    case .unwritableFormat(let format):
      return "SMF format \(format) cannot be written; use 0, 1 or 2"
    case .ppqOutOfRange(let ppq):
      return "PPQ \(ppq) cannot be written; use 1…32767 ticks per quarter note"
    case .tooManyTracks(let count):
      return "\(count) tracks cannot be written; a MIDI file holds at most 65535"
    case .negativeTick(let track, let tick):
      return "track \(track): event at negative tick \(tick); ticks start at 0"
    case .tickGapTooLarge(let track, let tick):
      return "track \(track): the gap before the event at tick \(tick) exceeds 268435455 ticks, the largest SMF delta"
    case .valueOutOfRange(let track, let tick, let field, let value, let allowed):
      return "track \(track), tick \(tick): \(field) \(value) cannot be written; allowed: \(allowed)"
    case .cannotRead(let path, let code, let message):
      return "cannot read \(path): \(message) (errno \(code))"
    case .cannotWrite(let path, let code, let message):
      return "cannot write \(path): \(message) (errno \(code)); check that the directory exists and is writable"
    case .inFile(_, let inner):
      return inner.message
    }
  }

  private static func at(_ track: Int?, _ offset: Int) -> String {
    if let track { return "track \(track), byte \(place(offset))" }
    return "byte \(place(offset))"
  }

  private static func place(_ offset: Int) -> String { "0x\(hex(offset, width: 1)) (\(offset))" }

  private static func hex(_ value: Int, width: Int) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }

  private static func show(_ bytes: [UInt8]) -> String {
    if !bytes.isEmpty, bytes.allSatisfy({ (0x20...0x7E).contains($0) }) {
      return "\"" + String(decoding: bytes, as: UTF8.self) + "\""
    }
    return "[" + bytes.map { "0x" + hex(Int($0), width: 2) }.joined(separator: " ") + "]"
  }
}
