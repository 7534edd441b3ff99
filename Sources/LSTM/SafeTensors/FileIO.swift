import Foundation

/// A failed file-system operation: which operation, on which path, and the system's reason (`strerror(errno)`).
public struct FileIOError: Error, Equatable, Sendable, CustomStringConvertible {
  /// What was being done, e.g. "open", "read", "write", "fsync", "rename", "create directory".
  public var operation: String
  /// The path the operation was applied to.
  public var path: String
  /// The system error number (`errno`), or 0 when the failure has no errno.
  public var code: Int32
  /// A readable reason.
  public var reason: String

  public init(operation: String, path: String, code: Int32, reason: String) {
    self.operation = operation
    self.path = path
    self.code = code
    self.reason = reason
  }

  /// Builds the error from the current `errno`.
  static func fromErrno(_ operation: String, _ path: String) -> FileIOError {
    let code = errno
    return FileIOError(operation: operation, path: path, code: code, reason: String(cString: strerror(code)))
  }

  public var description: String { "\(path): cannot \(operation): \(reason)" }
}

/// Writes `bytes` to `path` atomically: they go to a temporary file in the same directory, which is flushed to disk
/// (`fsync`) and then renamed over `path`, so a reader (or a crash) sees either the old complete file or the new one,
/// never a partial file. Missing parent directories are created.
///
/// Wraps `open`, `write`, `fsync` and `rename`.
/// - Throws: `FileIOError` naming the operation and the path; the temporary file is removed on failure.
public func writeFileAtomically(_ bytes: [UInt8], to path: String) throws(FileIOError) {
  let url = URL(fileURLWithPath: path)
  let directory = url.deletingLastPathComponent().path
  var isDirectory: ObjCBool = false
  if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw FileIOError(
        operation: "create directory", path: directory, code: 0, reason: "\(error.localizedDescription)")
    }
  } else if !isDirectory.boolValue {
    throw FileIOError(operation: "create directory", path: directory, code: ENOTDIR, reason: "a file is in the way")
  }
  let temporary = directory + "/." + url.lastPathComponent + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
  let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
  guard fd >= 0 else { throw .fromErrno("create temporary file for", path) }
  var failure: FileIOError? = nil
  bytes.withUnsafeBytes { raw in
    var offset = 0
    while offset < raw.count {
      guard let base = raw.baseAddress else { break }
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
  if failure == nil, fsync(fd) != 0 { failure = .fromErrno("fsync", path) }
  if close(fd) != 0, failure == nil { failure = .fromErrno("close", path) }
  if let failure {
    unlink(temporary)
    throw failure
  }
  if rename(temporary, path) != 0 {
    let error = FileIOError.fromErrno("rename the finished temporary file onto", path)
    unlink(temporary)
    throw error
  }
  // Make the rename itself durable; failure here cannot leave a partial file, so it is not an error.
  let directoryFD = open(directory, O_RDONLY | O_CLOEXEC)
  if directoryFD >= 0 {
    _ = fsync(directoryFD)
    close(directoryFD)
  }
}

/// Reads a whole file into memory.
///
/// Wraps `open`, `fstat` and `read`.
/// - Throws: `FileIOError` (missing file, permission, a directory instead of a file, read error).
func readWholeFile(at path: String) throws(FileIOError) -> [UInt8] {
  // O_NONBLOCK: a FIFO must not block the open (it is refused below, as every non-regular file is).
  let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
  guard fd >= 0 else { throw .fromErrno("open", path) }
  defer { close(fd) }
  var info = stat()
  guard fstat(fd, &info) == 0 else { throw .fromErrno("stat", path) }
  guard (info.st_mode & S_IFMT) == S_IFREG else {
    let isDir = (info.st_mode & S_IFMT) == S_IFDIR
    throw FileIOError(
      operation: "read", path: path, code: isDir ? EISDIR : EINVAL,
      reason: isDir ? "it is a directory" : "it is not a regular file (a FIFO, device or socket)")
  }
  _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
  var bytes: [UInt8] = []
  bytes.reserveCapacity(max(0, Int(info.st_size)))
  var chunk = [UInt8](repeating: 0, count: 1 << 20)
  while true {
    let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    if n < 0 {
      if errno == EINTR { continue }
      throw .fromErrno("read", path)
    }
    if n == 0 { break }
    bytes.append(contentsOf: chunk[0..<n])
  }
  return bytes
}
