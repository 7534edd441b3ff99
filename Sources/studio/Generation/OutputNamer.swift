import Foundation

/// Chooses file names for generated tunes: a safe stem from the title, never clashing with an existing file (unless
/// overwriting is allowed) or with another tune of the same run.
struct OutputNamer {
  /// The directory the files go to.
  let directory: String
  /// Extensions written per tune (without dot), e.g. `["abc", "mid", "wav"]`; a stem is free only when none exists.
  let extensions: [String]
  /// Replace existing files (`--force`) instead of choosing a new name.
  let overwrite: Bool
  /// Stems already handed out in this run (always avoided, even with `overwrite`).
  private var taken: Set<String> = []

  init(directory: String, extensions: [String], overwrite: Bool) {
    self.directory = directory
    self.extensions = extensions
    self.overwrite = overwrite
  }

  /// A file-name stem for `title`: ASCII letters and digits, runs of anything else as one `-`, lower case, at most
  /// 60 characters; `"tune"` when nothing is left. Accented Latin letters lose their accents ("Ó" → "o").
  static func stem(for title: String) -> String {
    let folded = title.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
    var out = ""
    var pendingDash = false
    for scalar in folded.unicodeScalars {
      if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
        if pendingDash && !out.isEmpty { out.append("-") }
        pendingDash = false
        out.unicodeScalars.append(scalar)
      } else if scalar == "'" || scalar == "\u{2019}" {
        continue  // "Maggie's" → "maggies"
      } else {
        pendingDash = true
      }
    }
    out = String(out.lowercased().prefix(60))
    while out.hasSuffix("-") { out.removeLast() }
    return out.isEmpty ? "tune" : out
  }

  /// Reserves and returns the path stem (`directory/name`, no extension) for a tune titled `title`: `name`, then
  /// `name-2`, `name-3`, … until no file of the run's extensions exists (or, with `overwrite`, until the stem is
  /// not used by this run).
  mutating func reservePath(for title: String) -> String {
    let base = Self.stem(for: title)
    var candidate = base
    var n = 1
    while !isFree(candidate) {
      n += 1
      candidate = "\(base)-\(n)"
    }
    taken.insert(candidate)
    return (directory.hasSuffix("/") ? directory : directory + "/") + candidate
  }

  private func isFree(_ stem: String) -> Bool {
    if taken.contains(stem) { return false }
    if overwrite { return true }
    let prefix = (directory.hasSuffix("/") ? directory : directory + "/") + stem + "."
    return !extensions.contains { FileManager.default.fileExists(atPath: prefix + $0) }
  }
}
