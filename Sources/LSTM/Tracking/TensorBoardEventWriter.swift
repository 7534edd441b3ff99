import Foundation

/// Writes a TensorBoard event file (`events.out.tfevents.<unix seconds>.<host>`) by hand, no TensorFlow needed.
///
/// The file is a TFRecord stream: each record is `uint64 length (LE)`, `uint32 masked CRC-32C of those 8 bytes`,
/// the data, `uint32 masked CRC-32C of the data`. Each record's data is a serialized `tensorflow.Event`
/// (`tensorflow/core/util/event.proto`): the first has `file_version: "brain.Event:2"`, then one per scalar:
/// `Event{wall_time: 1 (double), step: 2 (int64), summary: 5 = Summary{value: 1 = Value{tag: 1, simple_value: 2}}}`.
/// Records go straight to the file descriptor (no user-space buffer), so a crash loses nothing already logged.
final class TensorBoardEventWriter {
  /// Where the events go.
  let path: String
  private var fd: Int32

  /// Creates a new event file in `directory` (never overwriting one: a numeric suffix is added if the name is
  /// taken) and writes the `file_version` record.
  /// - Throws: `FileIOError` when the file cannot be created or written.
  init(directory: String, wallTime: Double, hostname: String) throws(FileIOError) {
    let seconds = wallTime.isFinite ? Int64(max(0, min(wallTime, 1e15)).rounded(.down)) : 0
    let base = directory + "/events.out.tfevents.\(seconds).\(hostname)"
    var candidate = base
    var attempt = 0
    var fd: Int32 = -1
    while true {
      fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644)
      if fd >= 0 { break }
      guard errno == EEXIST, attempt < 1000 else { throw .fromErrno("create", candidate) }
      attempt += 1
      candidate = base + ".\(attempt)"
    }
    self.path = candidate
    self.fd = fd
    var event = ProtobufWriter()
    event.double(1, wallTime)
    event.string(3, "brain.Event:2")
    try writeRecord(event.bytes)
  }

  deinit { close() }

  /// Appends a `SessionLog{status: START}` event at `step`: TensorBoard then discards the events of earlier files
  /// at `step` and later (its restart purge), so a resumed run shows one curve without overlapping points.
  /// `Event.session_log` is field 7; `SessionLog.status` is field 1, `START` = 1 (`tensorflow/core/util/event.proto`).
  /// - Throws: `FileIOError` when the write fails.
  func writeRestart(step: Int64, wallTime: Double) throws(FileIOError) {
    var sessionLog = ProtobufWriter()
    sessionLog.int64(1, 1)
    var event = ProtobufWriter()
    event.double(1, wallTime)
    event.int64(2, step)
    event.lengthDelimited(7, sessionLog.bytes)
    try writeRecord(event.bytes)
  }

  /// Appends one scalar event.
  /// - Throws: `FileIOError` when the write fails.
  func writeScalar(tag: String, value: Float, step: Int64, wallTime: Double) throws(FileIOError) {
    var value1 = ProtobufWriter()
    value1.string(1, tag)
    value1.float(2, value)
    var summary = ProtobufWriter()
    summary.lengthDelimited(1, value1.bytes)
    var event = ProtobufWriter()
    event.double(1, wallTime)
    event.int64(2, step)
    event.lengthDelimited(5, summary.bytes)
    try writeRecord(event.bytes)
  }

  /// Frames `data` as a TFRecord and appends it with one `write`.
  private func writeRecord(_ data: [UInt8]) throws(FileIOError) {
    var record: [UInt8] = []
    record.reserveCapacity(data.count + 16)
    let length = UInt64(data.count)
    for shift in stride(from: 0, to: 64, by: 8) { record.append(UInt8(truncatingIfNeeded: length >> UInt64(shift))) }
    TensorBoardEventWriter.appendLittleEndian(CRC32C.masked(record[0..<8]), to: &record)
    record += data
    TensorBoardEventWriter.appendLittleEndian(CRC32C.masked(data), to: &record)
    guard fd >= 0 else { throw FileIOError(operation: "write", path: path, code: EBADF, reason: "the file is closed") }
    var failure: FileIOError? = nil
    record.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count, let base = raw.baseAddress {
        let n = write(fd, base + offset, raw.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          failure = .fromErrno("write", path)
          return
        }
        if n == 0 {
          failure = FileIOError(operation: "write", path: path, code: 0, reason: "no progress (disk full?)")
          return
        }
        offset += n
      }
    }
    if let failure { throw failure }
  }

  private static func appendLittleEndian(_ value: UInt32, to bytes: inout [UInt8]) {
    for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
  }

  /// Flushes to disk and closes the file; further writes fail. Safe to call twice.
  func close() {
    guard fd >= 0 else { return }
    _ = fsync(fd)
    _ = Foundation.close(fd)
    fd = -1
  }

  /// This machine's host name (`gethostname`), with `/` replaced so it is safe in a file name.
  static var hostname: String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
    let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return name.isEmpty ? "localhost" : name.replacingOccurrences(of: "/", with: "_")
  }
}
