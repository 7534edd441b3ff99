/// Why a corpus could not be loaded. Every case names the path involved.
public enum CorpusError: Error, Equatable, Sendable, CustomStringConvertible {
  /// `TuneCorpus.load(paths:)` got an empty list.
  case noPaths
  /// Nothing exists at `path`.
  case pathNotFound(String)
  /// The file or directory exists but could not be read.
  case unreadable(path: String, reason: String)
  /// A directory holds no `*.abc` file (searched recursively).
  case noABCFiles(directory: String)
  /// The file is not UTF-8; `line`/`column` (1-based, column in bytes) locate the first bad byte.
  case invalidUTF8(path: String, line: Int, column: Int)
  /// The file is empty or holds only whitespace.
  case emptyFile(path: String)
  /// The file has text but no line starting with `X:`, so no tune.
  case noTunes(path: String)
  /// None of the `fileCount` files found under `directory` holds a tune.
  case noTunesInDirectory(directory: String, fileCount: Int)

  public var description: String {
    switch self {
    case .noPaths:
      return "error: no corpus given; pass one or more .abc files or directories"
    case .pathNotFound(let path):
      return "\(path): error: no such file or directory"
    case .unreadable(let path, let reason):
      return "\(path): error: cannot read: \(reason)"
    case .noABCFiles(let directory):
      return "\(directory): error: directory contains no .abc files (searched recursively)"
    case .invalidUTF8(let path, let line, let column):
      return
        "\(path):\(line):\(column): error: invalid UTF-8; convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)"
    case .emptyFile(let path):
      return "\(path): error: the file is empty"
    case .noTunes(let path):
      return "\(path): error: no tune found: no line starts with 'X:' (every ABC tune begins with an X: line)"
    case .noTunesInDirectory(let directory, let count):
      return "\(directory): error: no tune found in any of its \(count) .abc files (no line starts with 'X:')"
    }
  }
}
