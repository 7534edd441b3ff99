/// A `P:` value (ABC 2.1 §3.1.9, §4.10; checklist P-01…P-09).
///
/// In the tune header it is a play-order expression (`P:A(BA)2C`); in the body it labels the part that starts
/// there (`terms` is then a single `.part`).
public struct Parts: Hashable, Sendable {
  /// One term of a parts expression.
  public indirect enum Term: Hashable, Sendable {
    /// A part label (`A`; longer labels exist in the wild, P-07).
    case part(String)
    /// `(…)` a group.
    case group([Term])
    /// A term followed by a repeat count (`A3`, `(AB)2`).
    case repeated(Term, Int)
  }

  /// The expression's terms in order (dots and spaces dropped, P-04).
  public var terms: [Term]

  public init(terms: [Term]) { self.terms = terms }

  /// The expanded play order (`P:A(BA)2C` → `A B A B A C`), at most `limit` labels (hostile input such as
  /// `((((A9)9)9)9)9` is cut short; `isTruncated` in the result says so).
  public func playOrder(limit: Int = 10_000) -> (labels: [String], isTruncated: Bool) {
    var out: [String] = []
    var truncated = false
    // Iterative expansion: a stack of (terms, index, remaining repeats).
    var stack: [(terms: [Term], index: Int)] = [(terms, 0)]
    while var top = stack.popLast() {
      if out.count >= limit {
        truncated = true
        break
      }
      guard top.index < top.terms.count else { continue }
      let term = top.terms[top.index]
      top.index += 1
      stack.append(top)
      switch term {
      case .part(let label): out.append(label)
      case .group(let ts): stack.append((ts, 0))
      case .repeated(let t, let n):
        let count = Swift.min(Swift.max(n, 0), limit)
        if count > 0 { stack.append((Array(repeating: t, count: count), 0)) }
      }
      if stack.count > 10_000 {
        truncated = true
        break
      }
    }
    return (out, truncated)
  }

  /// Every distinct label mentioned, in first-mention order.
  public var labels: [String] {
    var seen: Set<String> = []
    var out: [String] = []
    var work: [Term] = terms.reversed()
    while let t = work.popLast() {
      switch t {
      case .part(let l): if seen.insert(l).inserted { out.append(l) }
      case .group(let ts): work.append(contentsOf: ts.reversed())
      case .repeated(let inner, _): work.append(inner)
      }
    }
    return out
  }
}
