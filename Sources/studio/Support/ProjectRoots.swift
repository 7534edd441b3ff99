import Foundation

/// The directories studio searches for its own files (`models/`, `soundfonts/`), besides explicit paths.
///
/// In order: the current directory; the package root above the running executable (the first directory above it that
/// holds a `Package.swift`, e.g. `.build/release/studio` → the checkout); and the checkout this binary was compiled
/// from, when it still exists (so a build with `--scratch-path` elsewhere, or a copy of the binary, still finds the
/// shipped models and SoundFonts).
enum ProjectRoots {
  /// Current directory, package root above the executable, source checkout; duplicates removed.
  static func all(currentDirectory: String = FileManager.default.currentDirectoryPath) -> [String] {
    var roots = [currentDirectory]
    if let executable = runningExecutable, let root = packageRoot(above: executable) { roots.append(root) }
    if let sourceCheckout { roots.append(sourceCheckout) }
    var seen = Set<String>()
    return roots.map { URL(fileURLWithPath: $0).standardizedFileURL.path }.filter { seen.insert($0).inserted }
  }

  /// The running executable, symlinks resolved.
  static var runningExecutable: String? { Bundle.main.executableURL?.resolvingSymlinksInPath().path }

  /// The package checkout this file was compiled in, if it still holds `Package.swift`.
  static let sourceCheckout: String? = {
    // #filePath = <root>/Sources/studio/Support/ProjectRoots.swift
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    return FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) ? root.path : nil
  }()

  /// The nearest directory above `executablePath` that contains `Package.swift`, searching at most 8 levels.
  static func packageRoot(above executablePath: String) -> String? {
    var url = URL(fileURLWithPath: executablePath).deletingLastPathComponent()
    for _ in 0..<8 {
      if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
      let parent = url.deletingLastPathComponent()
      if parent.path == url.path { break }
      url = parent
    }
    return nil
  }
}
