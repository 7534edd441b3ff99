import Foundation

/// Where a SoundFont was found (or named).
public enum SoundFontSource: Hashable, Sendable, CustomStringConvertible {
  /// `--soundfont PATH`.
  case commandLine
  /// `render.soundfont` in config.yaml.
  case config
  /// The `STUDIO_SOUNDFONT` environment variable.
  case environment
  /// A `soundfonts/` directory of the project; `directory` is that `soundfonts/` directory.
  case project(directory: String)
  /// A system SoundFont directory such as `/usr/share/sounds/sf2`.
  case system(directory: String)

  public var description: String {
    switch self {
    case .commandLine: return "--soundfont"
    case .config: return "config.yaml render.soundfont"
    case .environment: return "$\(SoundFontLocator.environmentVariable)"
    case .project(let directory): return "the project's \(directory)"
    case .system(let directory): return "the system directory \(directory)"
    }
  }
}

/// A SoundFont file and how it was chosen.
public struct SoundFontLocation: Hashable, Sendable {
  public var path: String
  public var source: SoundFontSource
  public init(path: String, source: SoundFontSource) {
    self.path = path
    self.source = source
  }
}

/// Chooses the SoundFont to render with. A pure function of its inputs plus the file system, so tests can point it
/// at temporary directories.
///
/// Order (the first that applies wins):
/// 1. `explicit` (`--soundfont`), 2. `config` (`render.soundfont`), 3. `environment["STUDIO_SOUNDFONT"]` — each, when
///    given, must name an existing file (a wrong path is an error, never silently skipped);
/// 4. any `*.sf2`/`*.sf3` in `<root>/soundfonts/` for each of `projectRoots` (the CLI passes the current directory,
///    then the package root the executable was built in), by name;
/// 5. in each of `systemDirectories`: `default-GM.sf2`, `FluidR3_GM.sf2`, `TimGM6mb.sf2`, then any other
///    `*.sf2`/`*.sf3` there, by name.
public enum SoundFontLocator {
  public static let environmentVariable = "STUDIO_SOUNDFONT"
  /// Debian's SoundFont directories.
  public static let defaultSystemDirectories = ["/usr/share/sounds/sf2", "/usr/share/sounds/sf3"]
  /// General MIDI fonts preferred, in order, in each system directory.
  public static let preferredSystemFonts = ["default-GM.sf2", "FluidR3_GM.sf2", "TimGM6mb.sf2"]
  /// File extensions taken for SoundFonts (compared case-insensitively).
  public static let extensions: Set<String> = ["sf2", "sf3"]

  /// Finds the SoundFont to use.
  /// - Parameters:
  ///   - explicit: `--soundfont`, or nil (an empty string counts as not given).
  ///   - config: `render.soundfont` from config.yaml, or nil. Relative paths are taken from the current directory.
  ///   - environment: the process environment (only `STUDIO_SOUNDFONT` and `HOME` are read).
  ///   - projectRoots: directories whose `soundfonts/` subdirectory is searched, in order.
  ///   - systemDirectories: system SoundFont directories, in order.
  /// - Throws: `RenderError.soundFontNotFound` when an explicitly named font is missing;
  ///   `RenderError.noSoundFont` (listing every place looked at) when nothing is found.
  public static func locate(
    explicit: String?, config: String?, environment: [String: String], projectRoots: [String],
    systemDirectories: [String] = defaultSystemDirectories
  ) throws(RenderError) -> SoundFontLocation {
    var searched: [String] = []
    let named: [(String?, SoundFontSource)] = [
      (explicit, .commandLine), (config, .config), (environment[environmentVariable], .environment),
    ]
    for (value, source) in named {
      guard let value, !value.isEmpty else {
        searched.append("\(source): not set")
        continue
      }
      let path = expandingTilde(value, home: environment["HOME"])
      guard isFile(path) else { throw .soundFontNotFound(path: path, source: source) }
      return SoundFontLocation(path: path, source: source)
    }

    var seen: Set<String> = []
    for root in projectRoots {
      let directory = (root.hasSuffix("/") ? root : root + "/") + "soundfonts"
      guard seen.insert(URL(fileURLWithPath: directory).standardizedFileURL.path).inserted else { continue }
      guard let names = listing(directory) else {
        searched.append("\(directory)/: does not exist")
        continue
      }
      if let name = names.first(where: { isSoundFontName($0) && isFile(directory + "/" + $0) }) {
        return SoundFontLocation(path: directory + "/" + name, source: .project(directory: directory + "/"))
      }
      searched.append("\(directory)/: no .sf2/.sf3 files")
    }

    for directory in systemDirectories {
      guard let names = listing(directory) else {
        searched.append("\(directory)/: does not exist")
        continue
      }
      let preferred = preferredSystemFonts.filter { isFile(directory + "/" + $0) }
      let others = names.filter {
        isSoundFontName($0) && !preferredSystemFonts.contains($0) && isFile(directory + "/" + $0)
      }
      if let name = (preferred + others).first {
        return SoundFontLocation(path: directory + "/" + name, source: .system(directory: directory))
      }
      searched.append(
        "\(directory)/: no .sf2/.sf3 files (looked for \(preferredSystemFonts.joined(separator: ", ")), then any)")
    }
    throw .noSoundFont(searched: searched)
  }

  /// True when `name` ends in `.sf2` or `.sf3` (any case) and is not a hidden file.
  static func isSoundFontName(_ name: String) -> Bool {
    guard !name.hasPrefix("."), let dot = name.lastIndex(of: ".") else { return false }
    return extensions.contains(name[name.index(after: dot)...].lowercased())
  }

  /// `~/x` → `$HOME/x`; anything else unchanged.
  static func expandingTilde(_ path: String, home: String?) -> String {
    guard let home, path == "~" || path.hasPrefix("~/") else { return path }
    return home + path.dropFirst()
  }

  /// True for an existing regular file (symbolic links followed).
  /// Whether `path` is a regular file (links followed): a FIFO or device would block or mislead the loader.
  static func isFile(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
  }

  /// The names in a directory sorted by name, or nil when it is not a readable directory.
  private static func listing(_ directory: String) -> [String]? {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
      let names = try? FileManager.default.contentsOfDirectory(atPath: directory)
    else { return nil }
    return names.sorted()
  }
}
