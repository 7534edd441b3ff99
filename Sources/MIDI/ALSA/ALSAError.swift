/// A failed ALSA sequencer operation: the libasound function, its negative `errno` code and `snd_strerror`'s
/// message, plus what it means for the user (`kind`) so the description can say how to fix it.
public struct ALSAError: Error, Hashable, Sendable, CustomStringConvertible {
  /// What went wrong, in the terms of the user's task.
  public enum Kind: Hashable, Sendable {
    /// A libasound call failed (see `function`, `code`, `message`).
    case callFailed
    /// `snd_seq_open` failed because `/dev/snd/seq` does not exist (ENOENT) or cannot be used.
    case sequencerUnavailable
    /// The `--port` text names no client or port (`snd_seq_parse_address` or the port lookup failed).
    case unknownPort(String)
    /// The port exists but does not accept MIDI from other clients (it lacks write + subscription-write).
    case portNotWritable(String)
    /// The destination port went away while playing (its program quit or its device was unplugged).
    case destinationGone(String)
    /// The port exists but sends no MIDI to other programs (it lacks read + subscription-read): not a keyboard.
    case portNotReadable(String)
    /// The port recorded from went away while recording (its device was unplugged or its program quit).
    case sourceGone(String)
    /// The playback queue stopped advancing at `tick` (stopped by another program, or the timer failed).
    case queueStalled(tick: Int)
  }

  public var kind: Kind
  /// The libasound function that failed, e.g. `snd_seq_open`.
  public var function: String
  /// The negative `errno` value libasound returned (0 when the failure was detected by studio).
  public var code: Int32
  /// `snd_strerror(code)`, or studio's own explanation when `code` is 0.
  public var message: String

  public init(kind: Kind = .callFailed, function: String, code: Int32, message: String) {
    self.kind = kind
    self.function = function
    self.code = code
    self.message = message
  }

  public var description: String {
    let cause = code == 0 ? message : "\(function) failed: \(message) (\(code))"
    switch kind {
    case .callFailed:
      return "error: ALSA \(cause)"
    case .sequencerUnavailable:
      return "error: ALSA sequencer not available: /dev/snd/seq is missing; load the kernel module with "
        + "`sudo modprobe snd-seq` (and `snd-seq-dummy` for a test port), then check `aconnect -l` [\(cause)]"
    case .unknownPort(let name):
      return "error: unknown ALSA port '\(name)': no sequencer client or port has that number or name; "
        + "list the ports with `studio ports` or `aconnect -l` and pass one as --port CLIENT:PORT or a client name "
        + "[\(cause)]"
    case .portNotWritable(let name):
      return "error: ALSA port \(name) does not accept MIDI input from other programs; choose a port listed by "
        + "`studio ports` (or `aconnect -o`)"
    case .destinationGone(let name):
      return "error: ALSA port \(name) disappeared while playing (its program quit or its device was "
        + "unplugged); check `aconnect -l` and play again"
    case .portNotReadable(let name):
      return "error: ALSA port \(name) sends no MIDI to other programs, so it cannot be recorded from; choose a "
        + "keyboard's port from `aconnect -i` (or `aconnect -l`)"
    case .sourceGone(let name):
      return "error: ALSA port \(name) disappeared while recording (its device was unplugged or its program quit); "
        + "check `aconnect -l` and record again"
    case .queueStalled(let tick):
      return "error: the ALSA playback queue stopped advancing at tick \(tick) (another program stopped it or "
        + "the sequencer timer failed); play again, and check `cat /proc/asound/seq/queues`"
    }
  }
}
