#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads whole files with POSIX calls (the library does not depend on Foundation).
enum FileBytes {
  struct ReadError: Error {
    var reason: String
  }

  /// Reads every byte of the file at `path`.
  ///
  /// - Throws: `ReadError` with the `strerror` text.
  static func read(path: String) throws(ReadError) -> [UInt8] {
    // O_NONBLOCK: a FIFO must not block the open; only regular files are read.
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else { throw ReadError(reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw ReadError(reason: String(cString: strerror(errno))) }
    if (st.st_mode & S_IFMT) == S_IFDIR { throw ReadError(reason: "is a directory") }
    guard (st.st_mode & S_IFMT) == S_IFREG else {
      throw ReadError(reason: "not a regular file (a FIFO, device or socket)")
    }
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw ReadError(reason: String(cString: strerror(errno)))
      }
      if n == 0 { break }
      out.append(contentsOf: chunk[0..<n])
    }
    return out
  }
}
