/// Parses `M:` values (ABC 2.1 §3.1.6; checklist M-01…M-05).
enum MeterParser {
  /// Returns `nil` when the value is not a meter.
  static func parse(_ s: String) -> Meter? {
    let t = s.trimmingABCSpaces()
    if t.isEmpty || t.lowercased() == "none" { return Meter.none }
    if t == "C" { return .common }
    if t == "C|" { return .cut }
    let compact = t.filter { $0 != " " && $0 != "\t" }
    guard let slash = compact.lastIndex(of: "/") else { return nil }
    var num = Substring(compact[..<slash])
    let den = compact[compact.index(after: slash)...]
    if num.hasPrefix("("), num.hasSuffix(")") { num = num.dropFirst().dropLast() }
    guard !num.isEmpty, den.utf8.count <= 6, let d = Int(den), d > 0 else { return nil }
    var ns: [Int] = []
    for part in num.split(separator: "+", omittingEmptySubsequences: false) {
      guard part.utf8.count <= 6, part.utf8.allSatisfy(ByteClass.isDigit), let n = Int(part), n > 0 else { return nil }
      ns.append(n)
    }
    guard !ns.isEmpty, ns.count <= 32 else { return nil }
    return .fraction(numerators: ns, denominator: d)
  }
}
