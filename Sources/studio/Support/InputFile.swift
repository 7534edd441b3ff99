import Foundation
import LSTM

/// The one place the CLI opens its inputs: only regular files are read. A FIFO, device or socket is refused at once
/// (a FIFO would block the read forever), and errors say what went wrong (`no such file`, `it is a directory`,
/// `permission denied`, `Input/output error`), never a guessed reason.
enum InputFile {
  /// Reads the whole regular file at `path`.
  ///
  /// Wraps `open` (with `O_NONBLOCK`, so a FIFO cannot block the open), `fstat` and `read`.
  /// - Throws: `StudioFailure` (exit status 2) naming the path and the reason.
  static func read(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else { throw StudioFailure("cannot read \(path): \(reason(errno))") }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw StudioFailure("cannot read \(path): \(reason(errno))") }
    if let refusal = refusal(mode: info.st_mode) { throw StudioFailure("cannot read \(path): \(refusal)") }
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(max(0, Int(info.st_size)))
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw StudioFailure("cannot read \(path): \(reason(errno))")
      }
      if n == 0 { break }
      bytes.append(contentsOf: chunk[0..<n])
    }
    return bytes
  }

  /// Checks that `path` names a readable regular file (symbolic links followed), for inputs a library opens itself
  /// (a SoundFont, a model, a MIDI file).
  /// - Parameter what: how the error names the input, e.g. "the SoundFont".
  /// - Throws: `StudioFailure` (exit status 2).
  static func requireRegular(_ path: String, what: String = "") throws {
    var info = stat()
    let name = what.isEmpty ? path : "\(what) \(path)"
    guard stat(path, &info) == 0 else { throw StudioFailure("cannot read \(name): \(reason(errno))") }
    if let refusal = refusal(mode: info.st_mode) { throw StudioFailure("cannot read \(name): \(refusal)") }
    guard access(path, R_OK) == 0 else { throw StudioFailure("cannot read \(name): \(reason(errno))") }
  }

  /// Whether `path` is a regular file (symbolic links followed).
  static func isRegular(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
  }

  /// Why a file of this mode is not read, or nil for a regular file.
  static func refusal(mode: mode_t) -> String? {
    switch mode & S_IFMT {
    case S_IFREG: return nil
    case S_IFDIR: return "it is a directory"
    case S_IFIFO: return "it is a FIFO (named pipe); only regular files are read"
    case S_IFCHR, S_IFBLK: return "it is a device; only regular files are read"
    case S_IFSOCK: return "it is a socket; only regular files are read"
    default: return "it is not a regular file"
    }
  }

  /// The system's reason for `code`, with the usual ones spelled out.
  static func reason(_ code: Int32) -> String {
    switch code {
    case ENOENT: return "no such file"
    case EACCES: return "permission denied"
    case EISDIR: return "it is a directory"
    case ENOTDIR: return "a part of the path is not a directory"
    default: return String(cString: strerror(code))
    }
  }

  /// The regular files under `directory` (recursively, hidden entries skipped) whose names end in one of
  /// `extensions` (lower case, without the dot), sorted by path; entries with a matching name that are not regular
  /// files (FIFOs, devices, sockets) are skipped with a warning on standard error.
  /// - Throws: `StudioFailure` (exit status 2) when the directory cannot be listed.
  static func files(under directory: String, extensions: Set<String>) throws -> [String] {
    guard let walker = FileManager.default.enumerator(atPath: directory) else {
      throw StudioFailure("cannot read the directory \(directory): \(reason(access(directory, R_OK) == 0 ? EIO : errno))")
    }
    var found: [String] = []
    while let relative = walker.nextObject() as? String {
      let name = (relative as NSString).lastPathComponent
      if name.hasPrefix(".") {
        walker.skipDescendants()
        continue
      }
      guard extensions.contains((name as NSString).pathExtension.lowercased()) else { continue }
      let full = (directory.hasSuffix("/") ? directory : directory + "/") + relative
      var info = stat()
      guard stat(full, &info) == 0 else { continue }
      if (info.st_mode & S_IFMT) == S_IFDIR { continue }
      if let refusal = refusal(mode: info.st_mode) {
        printError("warning: \(full): skipped: \(refusal)")
        continue
      }
      found.append(full)
    }
    return found.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }
}

extension TuneCorpus {
  /// `load(paths:)` with studio's exit statuses: a path that cannot be read (missing, unreadable, no `.abc` files)
  /// is an I/O error (2); a file that holds no tune or invalid UTF-8 is a problem found in the input (1).
  static func loadForCLI(paths: [String]) throws -> TuneCorpus {
    do {
      return try load(paths: paths)
    } catch {
      switch error {
      case .noPaths, .pathNotFound, .unreadable, .noABCFiles: throw StudioFailure(cleaned(error.description))
      case .invalidUTF8, .emptyFile, .noTunes, .noTunesInDirectory:
        throw StudioFailure(cleaned(error.description), exitCode: 1)
      }
    }
  }
}
