/// Standard MIDI File reading and writing (SMF 1.0, formats 0, 1 and 2, ticks-per-quarter timing).
///
/// ```swift
/// try MIDIFile.write(sequence, to: "tune.mid")          // atomic: temp file + rename
/// let back = try MIDIFile.read(path: "tune.mid")          // == sequence.normalized()
/// ```
public enum MIDIFile {
  /// The SMF bytes of `sequence`: its tracks normalized (see `MIDITrack.normalized()`), each ending with an
  /// end-of-track event, without running status.
  /// - Throws: `MIDIFileError` when the sequence holds a value an SMF cannot (format, PPQ, negative tick, tempo…).
  public static func encode(_ sequence: MIDISequence) throws(MIDIFileError) -> [UInt8] {
    try SMFWriter().encode(sequence)
  }

  /// Decodes SMF bytes. Tracks keep the file's event order, including the end-of-track event.
  /// - Throws: `MIDIFileError` naming the track and byte offset of the first problem; never traps on any input.
  public static func decode(_ bytes: [UInt8]) throws(MIDIFileError) -> MIDISequence {
    try SMFReader(bytes: bytes).decode()
  }

  /// Reads and decodes the SMF at `path`.
  /// - Throws: `MIDIFileError.cannotRead`, or a decoding error wrapped in `.inFile(path:_:)`.
  public static func read(path: String) throws(MIDIFileError) -> MIDISequence {
    let bytes = try FileIO.readAll(path: path)
    do {
      return try decode(bytes)
    } catch {
      throw .inFile(path: path, error)
    }
  }

  /// Encodes `sequence` and writes it to `path` atomically: a temporary file in the same directory is written,
  /// flushed and renamed over `path`, so a failure never leaves a partial file.
  /// - Throws: an encoding error wrapped in `.inFile(path:_:)`, or `MIDIFileError.cannotWrite`.
  public static func write(_ sequence: MIDISequence, to path: String) throws(MIDIFileError) {
    let bytes: [UInt8]
    do {
      bytes = try encode(sequence)
    } catch {
      throw .inFile(path: path, error)
    }
    try FileIO.writeAtomically(bytes, to: path)
  }
}
