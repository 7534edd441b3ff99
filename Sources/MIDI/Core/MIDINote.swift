/// A sounding note: a note-on paired with the note-off that ends it. Used by tests and differential comparisons.
public struct MIDINote: Hashable, Sendable, Codable {
  public var channel: MIDIChannel
  /// MIDI note number, 60 = middle C.
  public var pitch: UInt7
  /// The note-on velocity, 1…127.
  public var velocity: UInt7
  /// Absolute tick of the note-on.
  public var startTick: Int
  /// Absolute tick of the matching note-off (≥ `startTick`).
  public var endTick: Int
  /// Index of the track holding the note-on.
  public var track: Int

  public init(channel: MIDIChannel, pitch: UInt7, velocity: UInt7, startTick: Int, endTick: Int, track: Int) {
    self.channel = channel
    self.pitch = pitch
    self.velocity = velocity
    self.startTick = startTick
    self.endTick = endTick
    self.track = track
  }

  /// `endTick - startTick`.
  public var durationTicks: Int { endTick - startTick }
}
