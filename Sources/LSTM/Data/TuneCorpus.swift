import Foundation

/// ABC tunes loaded from files, normalised and split the way the PyTorch baseline does, so statistics compare.
///
/// Normalisation: a UTF-8 byte-order mark is dropped, CRLF and lone CR become LF, tabs become one space each,
/// trailing spaces (and vertical tab/form feed) are stripped from every line. Splitting: a tune starts at each line
/// beginning with `X:` and runs until the next such line; text before the first `X:` is dropped (file headers and
/// notes); trailing blank lines of a tune are dropped. For `irish.abc` this gives the baseline's 804 tunes.
public struct TuneCorpus: Sendable, Equatable {
  /// The tunes in file order (files in the order loaded).
  public var tunes: [String]
  /// The files the tunes came from, in load order (directories expanded).
  public var sourcePaths: [String]
  /// Number of tunes taken from each of `sourcePaths`.
  public var tuneCounts: [Int]
  /// Files found while searching directories that held no tune (or were empty) and were skipped; a file named
  /// directly is never skipped, it is an error.
  public var skippedPaths: [String]
  /// SHA-256 (lowercase hex) of the normalised corpus text `tunes.joined(separator: "\n\n")` as UTF-8. Equal
  /// fingerprints mean the model saw the same text, whatever the files' line ends or names.
  public var fingerprint: String

  /// A corpus from tunes already in memory (they are used as given, not normalised). Without `tuneCounts`, a single
  /// source path is credited with all tunes and several paths get no counts.
  public init(tunes: [String], sourcePaths: [String] = [], tuneCounts: [Int]? = nil, skippedPaths: [String] = []) {
    self.tunes = tunes
    self.sourcePaths = sourcePaths
    self.tuneCounts = tuneCounts ?? (sourcePaths.count == 1 ? [tunes.count] : [])
    self.skippedPaths = skippedPaths
    self.fingerprint = TuneCorpus.fingerprint(of: tunes)
  }

  /// Total Unicode scalars in `tunes.joined(separator: "\n\n")`.
  public var characterCount: Int {
    tunes.reduce(0) { $0 + $1.unicodeScalars.count } + 2 * max(0, tunes.count - 1)
  }

  /// SHA-256 hex of `tunes.joined(separator: "\n\n")` without building the joined string.
  public static func fingerprint(of tunes: [String]) -> String {
    var hasher = SHA256()
    for (index, tune) in tunes.enumerated() {
      if index > 0 { hasher.update("\n\n".utf8) }
      hasher.update(tune.utf8)
    }
    return SHA256.hexString(hasher.finalize())
  }

  /// Loads, normalises and splits the tunes of ABC files and directories.
  ///
  /// Directories are searched recursively for `*.abc` files (case-insensitive extension, hidden entries skipped),
  /// taken in byte order of their paths for determinism; files found in a directory that hold no tune are listed
  /// in `skippedPaths`. A path given twice is read once.
  /// - Throws: `CorpusError`: `.noPaths`, `.pathNotFound`, `.unreadable`, `.noABCFiles`, `.invalidUTF8`,
  ///   `.emptyFile` or `.noTunes` for a file named directly, `.noTunesInDirectory`.
  public static func load(paths: [String]) throws(CorpusError) -> TuneCorpus {
    guard !paths.isEmpty else { throw .noPaths }
    var files: [(path: String, explicit: Bool, directory: String?)] = []
    var seen = Set<String>()
    for path in paths {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .pathNotFound(path) }
      if isDirectory.boolValue {
        let found = try abcFiles(under: path)
        for file in found where seen.insert(canonical(file)).inserted { files.append((file, false, path)) }
      } else if seen.insert(canonical(path)).inserted {
        files.append((path, true, nil))
      }
    }

    var corpus = TuneCorpus(tunes: [])
    var directoryTally: [String: (files: Int, tunes: Int)] = [:]
    for file in files {
      let tunes = try loadFile(file.path, explicit: file.explicit)
      if let directory = file.directory {
        directoryTally[directory, default: (0, 0)].files += 1
        directoryTally[directory, default: (0, 0)].tunes += tunes.count
      }
      if tunes.isEmpty {
        corpus.skippedPaths.append(file.path)
        continue
      }
      corpus.sourcePaths.append(file.path)
      corpus.tuneCounts.append(tunes.count)
      corpus.tunes += tunes
    }
    for path in paths {
      if let tally = directoryTally[path], tally.tunes == 0 {
        throw .noTunesInDirectory(directory: path, fileCount: tally.files)
      }
    }
    corpus.fingerprint = fingerprint(of: corpus.tunes)
    return corpus
  }

  /// Normalises ABC text and splits it into tunes (see the type's documentation); `[]` when it has no `X:` line.
  public static func tunes(in text: String) -> [String] {
    var text = text
    return text.withUTF8 { splitTunes($0) }
  }

  // MARK: - Files

  private static func canonical(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }

  /// Regular `*.abc` files below `directory`, recursively, sorted by path bytes.
  private static func abcFiles(under directory: String) throws(CorpusError) -> [String] {
    guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
      throw .unreadable(path: directory, reason: "cannot list the directory")
    }
    var found: [String] = []
    while let relative = enumerator.nextObject() as? String {
      let name = (relative as NSString).lastPathComponent
      if name.hasPrefix(".") {
        enumerator.skipDescendants()
        continue
      }
      guard name.lowercased().hasSuffix(".abc") else { continue }
      let full = directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
      // Regular files only (links followed): a FIFO named x.abc would block the read; devices and sockets are
      // skipped the same way.
      var info = stat()
      if stat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
        found.append(full)
      }
    }
    guard !found.isEmpty else { throw .noABCFiles(directory: directory) }
    return found.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }

  /// The tunes of one file. An explicit file without tunes is an error; a file found in a directory gives `[]`.
  private static func loadFile(_ path: String, explicit: Bool) throws(CorpusError) -> [String] {
    var bytes: [UInt8]
    do {
      bytes = try readWholeFile(at: path)
    } catch {
      throw .unreadable(path: path, reason: error.reason)
    }
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    if let (line, column) = firstInvalidUTF8(bytes) { throw .invalidUTF8(path: path, line: line, column: column) }
    let tunes = bytes.withUnsafeBufferPointer { splitTunes($0) }
    if tunes.isEmpty && explicit {
      let blank = bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x0B || $0 == 0x0C }
      throw blank ? .emptyFile(path: path) : .noTunes(path: path)
    }
    return tunes
  }

  /// The 1-based line and byte column of the first byte that is not valid UTF-8, or `nil` when all are valid.
  static func firstInvalidUTF8(_ bytes: [UInt8]) -> (line: Int, column: Int)? {
    if String(validating: bytes, as: UTF8.self) != nil { return nil }
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var offset = 0
    while true {
      switch parser.parseScalar(from: &iterator) {
      case .valid(let encoded): offset += encoded.count
      case .emptyInput: return nil
      case .error:
        var line = 1
        var lineStart = 0
        for i in 0..<offset
        where bytes[i] == 0x0A || (bytes[i] == 0x0D && (i + 1 >= bytes.count || bytes[i + 1] != 0x0A)) {
          line += 1
          lineStart = i + 1
        }
        return (line, offset - lineStart + 1)
      }
    }
  }

  // MARK: - Normalising and splitting

  /// Splits valid UTF-8 text into normalised tunes in one pass.
  private static func splitTunes(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
    var tunes: [String] = []
    var current: [UInt8] = []
    var inTune = false
    var pendingNewlines = 0
    let n = bytes.count
    var i = 0
    func flush() {
      if inTune { tunes.append(String(decoding: current, as: UTF8.self)) }
      current.removeAll(keepingCapacity: true)
    }
    func append(_ start: Int, _ end: Int) {
      for j in start..<end { current.append(bytes[j] == 0x09 ? 0x20 : bytes[j]) }
    }
    while i < n {
      let start = i
      while i < n, bytes[i] != 0x0A, bytes[i] != 0x0D { i += 1 }
      var end = i
      if i < n {
        i += (bytes[i] == 0x0D && i + 1 < n && bytes[i + 1] == 0x0A) ? 2 : 1
      }
      while end > start,
        bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 || bytes[end - 1] == 0x0B
          || bytes[end - 1] == 0x0C
      {
        end -= 1
      }
      if end - start >= 2, bytes[start] == UInt8(ascii: "X"), bytes[start + 1] == UInt8(ascii: ":") {
        flush()
        inTune = true
        pendingNewlines = 0
        append(start, end)
      } else if inTune {
        if end == start {
          pendingNewlines += 1
        } else {
          current += repeatElement(0x0A, count: pendingNewlines + 1)
          pendingNewlines = 0
          append(start, end)
        }
      }
    }
    flush()
    return tunes
  }
}
