import Foundation

/// The one place the CLI decides how an output path is written.
///
/// - A missing path or a regular file is replaced atomically: the bytes go to a hidden temporary file in the
///   destination's directory (`.NAME.PID.tmp`), which is flushed and renamed over the destination, so readers see
///   either the old complete file or the new complete file. A symbolic link (even a dangling one) is followed: the
///   file it points to is replaced, never the link.
/// - A character device (`/dev/null`) or a FIFO is written through, never replaced.
/// - Anything else (a directory, a socket, a block device) is refused, as is an output that is one of the inputs
///   (same device and inode) — checked before any work (`checkOutput`).
///
/// Temporary files are registered with `TemporaryFiles`, so Ctrl-C, SIGTERM and SIGHUP remove them.
enum AtomicWriter {
  enum WriteError: Error, CustomStringConvertible {
    case cannotCreate(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case cannotRename(path: String, reason: String)

    var description: String {
      switch self {
      case .cannotCreate(let p, let r): return "cannot create \(p): \(r)"
      case .cannotWrite(let p, let r): return "cannot write \(p): \(r)"
      case .cannotRename(let p, let r): return "cannot move the finished file into place at \(p): \(r)"
      }
    }
  }

  /// How an output path is written.
  enum Target: Equatable {
    /// Replaced atomically; `path` is the destination with symbolic links resolved.
    case file(path: String)
    /// A character device or FIFO, written through.
    case stream(path: String)

    var path: String {
      switch self {
      case .file(let p), .stream(let p): return p
      }
    }
  }

  /// Checks an output path before any work: what is there may be replaced or written through, its directory can
  /// exist (no file in the way), and it is none of `inputs` (compared by device and inode).
  /// - Throws: `StudioFailure` (exit status 2) saying why the path cannot be written.
  @discardableResult
  static func checkOutput(_ path: String, inputs: [String] = []) throws -> Target {
    guard !path.isEmpty else { throw StudioFailure("the output path is empty") }
    let resolved = resolveLinks(path)
    var info = stat()
    if lstat(resolved, &info) == 0 {
      for input in inputs {
        var other = stat()
        if stat(input, &other) == 0, other.st_dev == info.st_dev, other.st_ino == info.st_ino {
          throw StudioFailure(
            "the output \(path) is the input \(input); writing it would destroy the input (choose another output)")
        }
      }
      switch info.st_mode & S_IFMT {
      case S_IFREG: return .file(path: resolved)
      case S_IFCHR, S_IFIFO: return .stream(path: resolved)
      case S_IFDIR: throw StudioFailure("cannot write \(path): it is a directory")
      default:
        throw StudioFailure(
          "cannot write \(path): it is not a regular file, a character device or a FIFO; refusing to replace it")
      }
    }
    guard errno == ENOENT || errno == ENOTDIR else {
      throw StudioFailure("cannot write \(path): \(InputFile.reason(errno))")
    }
    if path.hasSuffix("/") { throw StudioFailure("cannot write \(path): a file name is needed, not a directory") }
    // The nearest existing ancestor must be a directory (missing directories are created when writing).
    var directory = parent(of: resolved)
    while true {
      if lstat(directory, &info) == 0 || stat(directory, &info) == 0 {
        if (info.st_mode & S_IFMT) == S_IFLNK, stat(directory, &info) != 0 {
          throw StudioFailure("cannot write \(path): \(directory) is a dangling symbolic link")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
          throw StudioFailure("cannot write \(path): \(directory) is a file, not a directory")
        }
        guard access(directory, W_OK) == 0 else {
          throw StudioFailure("cannot write \(path): \(directory): \(InputFile.reason(errno))")
        }
        return .file(path: resolved)
      }
      guard errno == ENOENT || errno == ENOTDIR, directory != "/", directory != "." else {
        throw StudioFailure("cannot write \(path): \(directory): \(InputFile.reason(errno))")
      }
      directory = parent(of: directory)
    }
  }

  /// The directory part of a path: `.` for a bare name, `/` for a name in the root; trailing slashes ignored.
  static func parent(of path: String) -> String {
    var trimmed = Substring(path)
    while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
    guard let slash = trimmed.lastIndex(of: "/") else { return "." }
    if slash == trimmed.startIndex { return "/" }
    var head = trimmed[..<slash]
    while head.count > 1 && head.hasSuffix("/") { head = head.dropLast() }
    return String(head)
  }

  /// Checks an output directory (for `--out-dir`): a directory or nothing (created later); its nearest existing
  /// ancestor is a writable directory.
  /// - Throws: `StudioFailure` (exit status 2).
  static func checkOutputDirectory(_ path: String) throws {
    var info = stat()
    if stat(path, &info) == 0 {
      guard (info.st_mode & S_IFMT) == S_IFDIR else {
        throw StudioFailure("cannot use \(path) as the output directory: it is a file, not a directory")
      }
      guard access(path, W_OK) == 0 else {
        throw StudioFailure("cannot write into \(path): \(InputFile.reason(errno))")
      }
      return
    }
    try checkOutput((path.hasSuffix("/") ? path : path + "/") + "x")
  }

  /// `path` with symbolic links of its last component followed (up to 40 levels), the way `open` would; a dangling
  /// link gives the path it points to.
  static func resolveLinks(_ path: String) -> String {
    var current = path
    for _ in 0..<40 {
      var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
      let n = readlink(current, &buffer, buffer.count - 1)
      guard n > 0 else { return current }
      let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
      current = target.hasPrefix("/") ? target : parent(of: current) + "/" + target
    }
    return current
  }

  /// Writes `bytes` to `path`: atomically for a regular file (creating the parent directory if needed), through
  /// for a character device or FIFO.
  /// - Parameter durable: `fsync` the file before the rename (off for bulk conversions, where it costs ~5 ms a file).
  /// - Throws: `StudioFailure` for a path that cannot be written (see `checkOutput`), `WriteError` for I/O errors.
  static func write(_ bytes: [UInt8], to path: String, durable: Bool = true) throws {
    switch try checkOutput(path) {
    case .stream(let device): try writeThrough(bytes, to: device, named: path)
    case .file(let destination): try replace(destination, with: bytes, named: path, durable: durable)
    }
  }

  /// Writes a UTF-8 string (see `write(_:to:durable:)`).
  static func write(_ text: String, to path: String) throws { try write(Array(text.utf8), to: path) }

  /// Runs `body` with the path a library should write `path` to: the resolved destination for a regular file (the
  /// library replaces it atomically itself), or a temporary file whose bytes are then written through to a
  /// character device or FIFO. The destination's temporary files are registered for removal on signals.
  /// - Throws: `StudioFailure` (see `checkOutput`), whatever `body` throws.
  static func withDestination<T>(_ path: String, inputs: [String] = [], _ body: (String) throws -> T) throws -> T {
    switch try checkOutput(path, inputs: inputs) {
    case .file(let destination):
      TemporaryFiles.track(output: destination)
      return try body(destination)
    case .stream(let device):
      let ext = (path as NSString).pathExtension
      let staging =
        NSTemporaryDirectory() + "/studio-\(getpid())-\(UInt32.random(in: 0...UInt32.max))" + (ext.isEmpty ? "" : "." + ext)
      TemporaryFiles.track(file: staging)
      defer {
        unlink(staging)
        TemporaryFiles.untrack(file: staging)
      }
      let result = try body(staging)
      try writeThrough(try InputFile.read(staging), to: device, named: path)
      return result
    }
  }

  // MARK: - Writing

  private static func replace(_ destination: String, with bytes: [UInt8], named path: String, durable: Bool) throws {
    let url = URL(fileURLWithPath: destination)
    let dir = url.deletingLastPathComponent().path
    do {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    } catch {
      throw WriteError.cannotCreate(path: dir, reason: error.localizedDescription)
    }
    let temp = dir + "/." + url.lastPathComponent + ".\(getpid()).tmp"
    TemporaryFiles.track(file: temp)
    defer { TemporaryFiles.untrack(file: temp) }
    let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw WriteError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
    var reason = writeAll(bytes, to: fd)
    if reason == nil && durable && fsync(fd) != 0 { reason = String(cString: strerror(errno)) }
    if close(fd) != 0 && reason == nil { reason = String(cString: strerror(errno)) }
    if let reason {
      unlink(temp)
      throw WriteError.cannotWrite(path: path, reason: reason)
    }
    if rename(temp, destination) != 0 {
      let r = String(cString: strerror(errno))
      unlink(temp)
      throw WriteError.cannotRename(path: path, reason: r)
    }
  }

  /// Writes into a character device or FIFO as it is (a FIFO nobody reads is an error, not a hang).
  private static func writeThrough(_ bytes: [UInt8], to device: String, named path: String) throws {
    let fd = open(device, O_WRONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else {
      let code = errno
      throw WriteError.cannotWrite(
        path: path, reason: code == ENXIO ? "no process is reading the FIFO" : String(cString: strerror(code)))
    }
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
    let reason = writeAll(bytes, to: fd)
    close(fd)
    if let reason { throw WriteError.cannotWrite(path: path, reason: reason) }
  }

  /// Writes every byte; the `strerror` text on failure.
  private static func writeAll(_ bytes: [UInt8], to fd: Int32) -> String? {
    bytes.withUnsafeBytes { raw -> String? in
      var offset = 0
      while offset < raw.count {
        let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return n < 0 ? String(cString: strerror(errno)) : "no progress (disk full?)" }
        offset += n
      }
      return nil
    }
  }
}
