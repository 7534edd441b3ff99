/// An `m:` macro definition (ABC 2.1 §9; checklist MA-01…MA-03).
public struct Macro: Hashable, Sendable {
  /// The text to replace (`~G3`, `~n2`).
  public var target: String
  /// The replacement text.
  public var replacement: String
  /// `true` when `target` contains `n` (transposing macro: `n` matches any note letter).
  public var isTransposing: Bool

  public init(target: String, replacement: String) {
    self.target = target
    self.replacement = replacement
    self.isTransposing = target.utf8.contains(UInt8(ascii: "n"))
  }
}

/// A `U:` definition: binds a symbol character to a decoration or annotation (checklist UD-01…UD-03).
public struct UserSymbol: Hashable, Sendable {
  /// The symbol (`~`, `H`…`W`, `h`…`w`).
  public var symbol: Character
  /// The bound text (`!trill!`, `"^Fine"`); `!nil!`/`!none!` unbind.
  public var replacement: String
  public init(symbol: Character, replacement: String) {
    self.symbol = symbol
    self.replacement = replacement
  }
  /// The decoration name the symbol maps to (`trill` for `!trill!`), `nil` for unbinding (`!nil!`, `!none!`).
  public var decorationName: String? {
    var t = replacement.trimmingABCSpaces()
    if t.count >= 2, let f = t.first, f == "!" || f == "+", t.last == f {
      t = String(t.dropFirst().dropLast())
    } else if t.count >= 2, t.first == "\"", t.last == "\"" {
      t = String(t.dropFirst().dropLast())
    }
    return t == "nil" || t == "none" ? nil : t
  }
}
