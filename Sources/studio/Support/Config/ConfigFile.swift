import Foundation
import Yams

/// An error in config.yaml: names the file, the key (as a dotted path) and, where known, the line and column.
struct ConfigError: Error, CustomStringConvertible {
  var file: String
  var key: String?
  var line: Int?
  var column: Int?
  var message: String

  var description: String {
    var where_ = file
    if let line { where_ += ":\(line)" + (column.map { ":\($0)" } ?? "") }
    return "\(where_): " + (key.map { "config key '\($0)': " } ?? "") + message
  }
}

/// One mapping of config.yaml (a section such as `training:`), read key by key with type checks.
///
/// Every getter records the key as known; `finish()` then reports any key nobody asked for as unknown, so a typo
/// (`learnig_rate`) is an error naming the key and the file instead of a silently ignored setting.
final class ConfigSection {
  let file: String
  let path: String
  private let pairs: [(key: String, value: Node, mark: Mark?)]
  private var known: Set<String> = []

  init(file: String, path: String, node: Node?) throws {
    self.file = file
    self.path = path
    guard let node, node != .scalar(.init("")) else {
      pairs = []
      return
    }
    if case .scalar(let s) = node, s.string == "~" || s.string == "null" || s.string.isEmpty {
      pairs = []
      return
    }
    guard let mapping = node.mapping else {
      throw ConfigError(
        file: file, key: path, line: node.mark?.line, column: node.mark?.column,
        message: "expected a mapping of settings (key: value lines indented below '\(path):')")
    }
    pairs = mapping.map { (key: $0.key.string ?? "\($0.key)", value: $0.value, mark: $0.key.mark) }
  }

  /// An empty section (no file, every key at its default).
  static func empty(_ path: String) -> ConfigSection {
    // swift-format-ignore
    return try! ConfigSection(file: "(defaults)", path: path, node: nil)
  }

  private func node(_ key: String) -> (Node, Mark?)? {
    known.insert(key)
    guard let pair = pairs.last(where: { $0.key == key }) else { return nil }
    if case .scalar(let s) = pair.value, s.style == .plain, s.string == "~" || s.string == "null" || s.string.isEmpty {
      return nil
    }
    return (pair.value, pair.value.mark ?? pair.mark)
  }

  private func typeError(_ key: String, _ mark: Mark?, expected: String, got node: Node) -> ConfigError {
    let shown: String
    switch node {
    case .scalar(let s): shown = "\"\(s.string)\""
    case .mapping: shown = "a mapping"
    case .sequence: shown = "a list"
    case .alias: shown = "an alias"
    }
    return ConfigError(
      file: file, key: "\(path).\(key)", line: mark?.line, column: mark?.column,
      message: "expected \(expected), got \(shown)")
  }

  func int(_ key: String, default value: Int, range: ClosedRange<Int>? = nil) throws -> Int {
    guard let (n, mark) = node(key) else { return value }
    guard let v = n.int, case .scalar = n else { throw typeError(key, mark, expected: "an integer", got: n) }
    if let range, !range.contains(v) {
      throw ConfigError(
        file: file, key: "\(path).\(key)", line: mark?.line, column: mark?.column,
        message: "\(v) is outside \(range.lowerBound)…\(range.upperBound)")
    }
    return v
  }

  func optionalInt(_ key: String) throws -> Int? {
    guard node(key) != nil else { return nil }
    return try int(key, default: 0)
  }

  func double(_ key: String, default value: Double, range: ClosedRange<Double>? = nil) throws -> Double {
    guard let (n, mark) = node(key) else { return value }
    guard let v = n.float, case .scalar = n else { throw typeError(key, mark, expected: "a number", got: n) }
    if let range, !range.contains(v) {
      throw ConfigError(
        file: file, key: "\(path).\(key)", line: mark?.line, column: mark?.column,
        message: "\(v) is outside \(range.lowerBound)…\(range.upperBound)")
    }
    return v
  }

  func optionalDouble(_ key: String) throws -> Double? {
    guard node(key) != nil else { return nil }
    return try double(key, default: 0)
  }

  func bool(_ key: String, default value: Bool) throws -> Bool {
    guard let (n, mark) = node(key) else { return value }
    guard let v = n.bool, case .scalar = n else { throw typeError(key, mark, expected: "true or false", got: n) }
    return v
  }

  func string(_ key: String, default value: String) throws -> String {
    try optionalString(key) ?? value
  }

  func optionalString(_ key: String) throws -> String? {
    guard let (n, mark) = node(key) else { return nil }
    guard case .scalar(let s) = n else { throw typeError(key, mark, expected: "a string", got: n) }
    return s.string
  }

  /// A string that must be one of `choices`.
  func choice(_ key: String, default value: String, among choices: [String]) throws -> String {
    guard let (_, mark) = node(key) else { return value }
    let v = try string(key, default: value)
    guard choices.contains(v) else {
      throw ConfigError(
        file: file, key: "\(path).\(key)", line: mark?.line, column: mark?.column,
        message: "\"\(v)\" is not one of: \(choices.joined(separator: ", "))")
    }
    return v
  }

  func stringList(_ key: String, default value: [String]) throws -> [String] {
    guard let (n, mark) = node(key) else { return value }
    if case .scalar(let s) = n { return [s.string] }
    guard let seq = n.sequence else { throw typeError(key, mark, expected: "a list of strings", got: n) }
    return try seq.map { item in
      guard case .scalar(let s) = item else { throw typeError(key, item.mark, expected: "a string", got: item) }
      return s.string
    }
  }

  func doubleList(_ key: String, default value: [Double]) throws -> [Double] {
    guard let (n, mark) = node(key) else { return value }
    if case .scalar = n, let v = n.float { return [v] }
    guard let seq = n.sequence else { throw typeError(key, mark, expected: "a list of numbers", got: n) }
    return try seq.map { item in
      guard let v = item.float, case .scalar = item else {
        throw typeError(key, item.mark, expected: "a number", got: item)
      }
      return v
    }
  }

  /// Reports the first key that no getter asked for.
  func finish() throws {
    for pair in pairs where !known.contains(pair.key) {
      throw ConfigError(
        file: file, key: "\(path).\(pair.key)", line: pair.mark?.line, column: pair.mark?.column,
        message: "unknown key; known keys in '\(path)': \(known.sorted().joined(separator: ", "))")
    }
  }
}

/// Reads config.yaml into its top-level sections, rejecting unknown sections.
struct ConfigFile {
  static let sectionNames = ["data", "model", "training", "generation", "render", "tracking"]
  let path: String
  private let sections: [String: Node]

  /// Parses YAML text; `path` is used in messages.
  init(text: String, path: String) throws {
    self.path = path
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw ConfigError(file: path, key: nil, line: nil, column: nil, message: "not valid YAML: \(error)")
    }
    guard let root else {
      sections = [:]
      return
    }
    guard let mapping = root.mapping else {
      throw ConfigError(
        file: path, key: nil, line: root.mark?.line, column: root.mark?.column,
        message: "expected a mapping with sections \(Self.sectionNames.joined(separator: ", "))")
    }
    var sections: [String: Node] = [:]
    for (key, value) in mapping {
      let name = key.string ?? ""
      guard Self.sectionNames.contains(name) else {
        throw ConfigError(
          file: path, key: name, line: key.mark?.line, column: key.mark?.column,
          message: "unknown section; the sections are \(Self.sectionNames.joined(separator: ", "))")
      }
      sections[name] = value
    }
    self.sections = sections
  }

  func section(_ name: String) throws -> ConfigSection {
    try ConfigSection(file: path, path: name, node: sections[name])
  }
}
