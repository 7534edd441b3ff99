/// Finds the longest run of characters a text shares with any tune of a training corpus.
///
/// Builds one suffix automaton (Blumer et al. 1985) over the training tunes joined by a separator that no text can
/// contain, so a match never spans two tunes. Construction is O(n) in the corpus's Unicode scalars (≈ 2n states,
/// ≈ 3n edges: 0.65 M scalars of Irish + Nottingham need ≈ 40 MB); a query is O(m) in the text's scalars.
///
/// "Characters" are Unicode scalars, as the character-level model sees them.
struct NoveltyIndex: Sendable {
  /// The longest shared run found by `longestMatch(in:)`.
  struct Match: Equatable, Sendable {
    /// Length of the run in Unicode scalars (0 when no character is shared).
    var length: Int
    /// Index of a training tune that contains the run (into the tunes given to `init`), or nil when `length == 0`.
    var tuneIndex: Int?
    /// Scalar offset of the run's start in the query text.
    var queryOffset: Int
  }

  /// Scalar value used between tunes; outside Unicode, so it never matches a query scalar.
  private static let separator: UInt32 = .max

  // States: `length[s]` longest string of the state, `link[s]` suffix link (−1 for the root), `firstEdge[s]` head of
  // its edge list (−1 none), `endPosition[s]` the end (exclusive, scalar offset in the joined text) of one occurrence.
  private var length: [Int32] = []
  private var link: [Int32] = []
  private var firstEdge: [Int32] = []
  private var endPosition: [Int32] = []
  // Edges as singly linked lists per state.
  private var edgeLabel: [UInt32] = []
  private var edgeTarget: [Int32] = []
  private var edgeNext: [Int32] = []
  /// Start offset (in scalars of the joined text) of each tune, ascending.
  private var tuneStarts: [Int] = []

  /// Number of training tunes indexed.
  var tuneCount: Int { tuneStarts.count }
  /// Number of automaton states (for statistics).
  var stateCount: Int { length.count }

  /// Indexes `tunes`.
  init(tunes: [String]) {
    let estimate = tunes.reduce(0) { $0 + $1.utf8.count + 1 }
    length.reserveCapacity(2 * estimate)
    link.reserveCapacity(2 * estimate)
    firstEdge.reserveCapacity(2 * estimate)
    endPosition.reserveCapacity(2 * estimate)
    edgeLabel.reserveCapacity(3 * estimate)
    edgeTarget.reserveCapacity(3 * estimate)
    edgeNext.reserveCapacity(3 * estimate)
    _ = addState(length: 0, link: -1, end: 0)
    var last: Int32 = 0
    var position = 0
    for (index, tune) in tunes.enumerated() {
      if index > 0 {
        last = extend(last, with: Self.separator, position: position)
        position += 1
      }
      tuneStarts.append(position)
      for scalar in tune.unicodeScalars {
        last = extend(last, with: scalar.value, position: position)
        position += 1
      }
    }
  }

  /// The longest substring of `text` that occurs inside one training tune.
  func longestMatch(in text: String) -> Match {
    var best = Match(length: 0, tuneIndex: nil, queryOffset: 0)
    var state: Int32 = 0
    var matched = 0
    for (offset, scalar) in text.unicodeScalars.enumerated() {
      let c = scalar.value
      while state != 0 && transition(state, c) == nil {
        state = link[Int(state)]
        matched = Int(length[Int(state)])
      }
      if let next = transition(state, c) {
        state = next
        matched += 1
      } else {
        state = 0
        matched = 0
      }
      if matched > best.length {
        let end = Int(endPosition[Int(state)])
        best = Match(length: matched, tuneIndex: tuneIndex(containing: end - 1), queryOffset: offset + 1 - matched)
      }
    }
    return best
  }

  // MARK: - Construction

  private mutating func addState(length len: Int32, link l: Int32, end: Int32) -> Int32 {
    length.append(len)
    link.append(l)
    firstEdge.append(-1)
    endPosition.append(end)
    return Int32(length.count - 1)
  }

  private func edge(_ state: Int32, _ c: UInt32) -> Int32? {
    var e = firstEdge[Int(state)]
    while e >= 0 {
      if edgeLabel[Int(e)] == c { return e }
      e = edgeNext[Int(e)]
    }
    return nil
  }

  private func transition(_ state: Int32, _ c: UInt32) -> Int32? {
    edge(state, c).map { edgeTarget[Int($0)] }
  }

  private mutating func addEdge(_ state: Int32, _ c: UInt32, _ target: Int32) {
    edgeLabel.append(c)
    edgeTarget.append(target)
    edgeNext.append(firstEdge[Int(state)])
    firstEdge[Int(state)] = Int32(edgeLabel.count - 1)
  }

  /// The standard online extension by one symbol; returns the new last state.
  private mutating func extend(_ last: Int32, with c: UInt32, position: Int) -> Int32 {
    let current = addState(length: length[Int(last)] + 1, link: 0, end: Int32(position + 1))
    var p = last
    while p >= 0 && edge(p, c) == nil {
      addEdge(p, c, current)
      p = link[Int(p)]
    }
    guard p >= 0, let pq = edge(p, c) else {
      link[Int(current)] = 0
      return current
    }
    let q = edgeTarget[Int(pq)]
    if length[Int(p)] + 1 == length[Int(q)] {
      link[Int(current)] = q
      return current
    }
    let clone = addState(length: length[Int(p)] + 1, link: link[Int(q)], end: endPosition[Int(q)])
    var e = firstEdge[Int(q)]
    while e >= 0 {
      addEdge(clone, edgeLabel[Int(e)], edgeTarget[Int(e)])
      e = edgeNext[Int(e)]
    }
    var r = p
    while r >= 0, let re = edge(r, c), edgeTarget[Int(re)] == q {
      edgeTarget[Int(re)] = clone
      r = link[Int(r)]
    }
    link[Int(q)] = clone
    link[Int(current)] = clone
    return current
  }

  /// The tune whose scalars include joined-text offset `position`.
  private func tuneIndex(containing position: Int) -> Int? {
    guard !tuneStarts.isEmpty, position >= 0 else { return nil }
    var low = 0
    var high = tuneStarts.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if tuneStarts[mid] <= position { low = mid } else { high = mid - 1 }
    }
    return low
  }
}
