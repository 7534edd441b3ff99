import Foundation

/// Writes files atomically: the bytes go to a temporary file in the destination's directory, which is flushed and
/// then renamed over the destination, so readers see either the old complete file or the new complete file.
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

  /// Writes `bytes` to `path` atomically, creating the parent directory if needed.
  static func write(_ bytes: [UInt8], to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let dir = url.deletingLastPathComponent().path
    do {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    } catch {
      throw WriteError.cannotCreate(path: dir, reason: error.localizedDescription)
    }
    let temp = dir + "/." + url.lastPathComponent + ".\(getpid()).tmp"
    let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw WriteError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
    var ok = true
    var reason = ""
    bytes.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
        if n <= 0 {
          if n < 0 && errno == EINTR { continue }
          ok = false
          reason = String(cString: strerror(errno))
          return
        }
        offset += n
      }
    }
    if ok && fsync(fd) != 0 { ok = false; reason = String(cString: strerror(errno)) }
    close(fd)
    guard ok else {
      unlink(temp)
      throw WriteError.cannotWrite(path: path, reason: reason)
    }
    if rename(temp, path) != 0 {
      let r = String(cString: strerror(errno))
      unlink(temp)
      throw WriteError.cannotRename(path: path, reason: r)
    }
  }

  /// Writes a UTF-8 string atomically.
  static func write(_ text: String, to path: String) throws { try write(Array(text.utf8), to: path) }
}
