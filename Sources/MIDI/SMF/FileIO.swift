#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Whole-file reads and atomic writes with POSIX calls, so errors keep `errno` and its message.
enum FileIO {
  /// Reads the file at `path`. Wraps `open`, `fstat`, `read`.
  /// Only regular files are read: `O_NONBLOCK` keeps a FIFO from blocking the open, and anything that is not a
  /// regular file (FIFO, device, socket, directory) is refused.
  static func readAll(path: String) throws(MIDIFileError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else { throw readError(path) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw readError(path) }
    guard (info.st_mode & S_IFMT) != S_IFDIR else {
      throw .cannotRead(path: path, code: EISDIR, message: String(cString: strerror(EISDIR)))
    }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      throw .cannotRead(path: path, code: EINVAL, message: "not a regular file (a FIFO, device or socket)")
    }
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
    var result: [UInt8] = []
    result.reserveCapacity(max(0, Int(info.st_size)))
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw readError(path)
      }
      if n == 0 { break }
      result += chunk[0..<n]
    }
    return result
  }

  /// Writes `bytes` to a temporary file next to `path` (`mkstemp`), `fsync`s it and `rename`s it over `path`.
  /// The temporary file is removed on any failure.
  static func writeAtomically(_ bytes: [UInt8], to path: String) throws(MIDIFileError) {
    let directory: String
    let name: String
    if let slash = path.lastIndex(of: "/") {
      directory = slash == path.startIndex ? "/" : String(path[..<slash])
      name = String(path[path.index(after: slash)...])
    } else {
      directory = "."
      name = path
    }
    guard !name.isEmpty else {
      throw .cannotWrite(path: path, code: EISDIR, message: String(cString: strerror(EISDIR)))
    }
    let templatePath = (directory == "/" ? "/" : directory + "/") + ".\(name).tmp-XXXXXX"
    var template = Array(templatePath.utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { throw writeError(path) }
    let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    var ok = false
    defer { if !ok { unlink(temporary) } }
    do {
      defer { close(fd) }
      var written = 0
      while written < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
        if n < 0 {
          if errno == EINTR { continue }
          throw writeError(path)
        }
        written += n
      }
      guard fchmod(fd, 0o644) == 0, fsync(fd) == 0 else { throw writeError(path) }
    }
    guard rename(temporary, path) == 0 else { throw writeError(path) }
    ok = true
  }

  private static func readError(_ path: String) -> MIDIFileError {
    let code = errno
    return .cannotRead(path: path, code: code, message: String(cString: strerror(code)))
  }

  private static func writeError(_ path: String) -> MIDIFileError {
    let code = errno
    return .cannotWrite(path: path, code: code, message: String(cString: strerror(code)))
  }
}
