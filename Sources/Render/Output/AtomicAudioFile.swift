import Foundation
import Synchronization

/// An audio file being written atomically: frames go to a hidden temporary file in the destination's directory,
/// which `commit()` renames over the destination. On any failure — or when dropped without `commit()` — the
/// temporary file is removed, so a failed render never leaves a partial file behind.
final class AtomicAudioFile {
  let destination: String
  let temporaryPath: String
  private let writer: SoundFileWriter
  private var finished = false

  /// Checks the destination and opens the temporary file.
  /// - Throws: `RenderError.outputDirectoryMissing`, `.outputIsDirectory` or `.cannotCreateOutput`.
  init(destination: String, sndfileFormat: Int32, sampleRate: Int, channels: Int = 2) throws(RenderError) {
    try Self.checkDestination(destination)
    let temporaryPath = Self.temporaryPath(besides: destination, tag: "render")
    do {
      writer = try SoundFileWriter(
        path: temporaryPath, format: sndfileFormat, sampleRate: sampleRate, channels: channels)
    } catch {
      unlink(temporaryPath)
      throw Self.renamingPath(of: error, to: destination)
    }
    self.destination = destination
    self.temporaryPath = temporaryPath
  }

  deinit { if !finished { discard() } }

  /// Appends interleaved frames.
  /// - Throws: `RenderError.writeFailed` (naming the destination); the temporary file is removed first.
  func write(_ samples: UnsafeBufferPointer<Float>) throws(RenderError) {
    do {
      try writer.write(samples)
    } catch {
      discard()
      throw Self.renamingPath(of: error, to: destination)
    }
  }

  /// Closes the temporary file and renames it over the destination.
  /// - Throws: `RenderError.writeFailed` or `.cannotFinishOutput`; the temporary file is removed.
  func commit() throws(RenderError) {
    guard !finished else { return }
    do {
      try writer.close()
    } catch {
      discard()
      throw Self.renamingPath(of: error, to: destination)
    }
    guard rename(temporaryPath, destination) == 0 else {
      let reason = String(cString: strerror(errno))
      discard()
      throw .cannotFinishOutput(path: destination, reason: reason)
    }
    finished = true
  }

  /// Closes and removes the temporary file; the destination is left untouched.
  func discard() {
    guard !finished else { return }
    finished = true
    try? writer.close()
    unlink(temporaryPath)
  }

  /// Checks that `path` can be a file: its directory exists and it is not itself a directory.
  /// - Throws: `RenderError.outputDirectoryMissing` or `.outputIsDirectory`.
  static func checkDestination(_ path: String) throws(RenderError) {
    var isDirectory: ObjCBool = false
    if path.hasSuffix("/")
      || (FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue)
    {
      throw .outputIsDirectory(path: path)
    }
    let directory = directoryOf(path)
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw .outputDirectoryMissing(path: path, directory: directory)
    }
  }

  /// The directory part of a path (`.` for a bare file name).
  static func directoryOf(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  private static let counter = Mutex(0)

  /// A hidden, unique path in the same directory as `path`: `.<name>.<pid>-<n>.<tag>.tmp`.
  static func temporaryPath(besides path: String, tag: String) -> String {
    let directory = directoryOf(path)
    let name = path.split(separator: "/").last.map(String.init) ?? "audio"
    let n = counter.withLock { value in
      value += 1
      return value
    }
    return (directory == "/" ? "" : directory) + "/.\(name).\(getpid())-\(n).\(tag).tmp"
  }

  /// Errors about the temporary file are reported against the destination the user named.
  private static func renamingPath(of error: RenderError, to destination: String) -> RenderError {
    switch error {
    case .cannotCreateOutput(_, let reason): return .cannotCreateOutput(path: destination, reason: reason)
    case .writeFailed(_, let reason): return .writeFailed(path: destination, reason: reason)
    default: return error
    }
  }
}
