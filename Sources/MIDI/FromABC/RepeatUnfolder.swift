import ABCParser

/// An element of a voice in played order: the script with repeats, endings and parts unfolded.
enum PlayedItem {
  case sound(Sound)
  case bar(BarMark)
  case control(PlayControl)
  /// A body `P:` label (written as a marker).
  case part(String)
  /// A place a repeat may jump back to (abc2midi saves its bar count there).
  case sectionStart(id: Int)
  /// The jump back to `sectionStart(id:)` for another pass.
  case jumpBack(id: Int)
}

/// Unfolds repeats, variant endings and parts of one voice (ABC reference §12.2; checklist BL-03…BL-09, E-01…E-06,
/// P-01…P-06).
///
/// - A section starts at the tune (or part) start, after `|:` or `::`, or — for an end repeat with no open start
///   (BL-09) — at the most recent of: the previous `:|`, the previous `||`/`|]`/`[|`, the tune (or part) start. A
///   pickup before the first bar therefore repeats with the first section, as in abc2midi.
/// - A section ending in `:|` is played twice, one more time per extra colon (`::|` three times).
/// - A section with variant endings is played once per pass 1…N, N being its largest ending number (at least two);
///   each pass plays the section's body, then the ending whose list holds the pass number. An ending runs to the
///   next `:|`, `||`, `|]`, `[|`, `|:`, part label or ending (E-03).
/// - A second `|:` inside an open section closes it as `::` would (abc2midi's repair of nested repeats, E-06).
struct RepeatUnfolder {
  /// Passes through one section are capped (a `:::::::::|` cannot explode the output).
  static let maxPasses = 16

  var warnings: [PerformanceWarning] = []

  /// The voice's segments in play order: the music before the first part label (played once), then one entry per
  /// label of the `P:` play order (empty when this voice has no such part; `reportMissing` warns about it). Without
  /// a play order there is one segment, the whole voice, part labels being plain markers.
  mutating func unfold(_ items: [ScriptItem], partOrder: [String]?, reportMissing: Bool) -> [[PlayedItem]] {
    guard let order = partOrder else { return [unfold(items[...])] }
    var intro: ArraySlice<ScriptItem> = items[...]
    var parts: [String: ArraySlice<ScriptItem>] = [:]
    var firstLabel: Int?
    var i = 0
    while i < items.count {
      guard case .part(let label, _) = items[i] else {
        i += 1
        continue
      }
      if firstLabel == nil { firstLabel = i }
      var j = i + 1
      while j < items.count {
        if case .part = items[j] { break }
        j += 1
      }
      parts[label] = items[(i + 1)..<j]  // the last definition wins, as in abc2midi
      i = j
    }
    if let first = firstLabel { intro = items[..<first] }
    var result: [[PlayedItem]] = [unfold(intro)]
    var reported: Set<String> = []
    for label in order {
      guard let segment = parts[label] else {
        if reportMissing && reported.insert(label).inserted {
          warnings.append(
            PerformanceWarning(
              .parts, "P: plays part \(label), which is never defined (no P:\(label) in the body); skipped"))
        }
        result.append([])
        continue
      }
      result.append([.part(label)] + unfold(segment))
    }
    return result
  }

  /// Unfolds the repeats and endings of one segment.
  mutating func unfold(_ items: ArraySlice<ScriptItem>) -> [PlayedItem] {
    var out: [PlayedItem] = []
    out.reserveCapacity(items.count * 2)
    var sectionStart = items.startIndex
    var expectRepeat = false
    var repPoint = items.startIndex
    out.append(.sectionStart(id: repPoint))
    var i = items.startIndex
    while i < items.endIndex {
      switch items[i] {
      case .sound(let s):
        out.append(.sound(s))
        i += 1
      case .control(let c):
        out.append(.control(c))
        i += 1
      case .part(let label, _):
        // Without a `P:` play order a body `P:` is a label only (P-06): it starts no repeat section, so an end repeat
        // after it with no `|:` still goes back to the previous `:|`, `||` or the tune start (abc2midi does too).
        out.append(.part(label))
        i += 1
      case .bar(let b):
        out.append(.bar(b))
        if b.endRepeats > 0 {
          let start = expectRepeat ? sectionStart : repPoint
          for _ in 0..<min(b.endRepeats, Self.maxPasses - 1) {
            out.append(.jumpBack(id: start))
            emit(items[start..<i], into: &out)
            out.append(.bar(b))
          }
          expectRepeat = false
          repPoint = i + 1
          if b.startRepeats > 0 {
            sectionStart = i + 1
            expectRepeat = true
          }
          out.append(.sectionStart(id: i + 1))
        } else if b.startRepeats > 0 {
          if expectRepeat {
            // `|: A |: B`: the second start closes the first section (abc2midi plays it as `::`).
            warnings.append(
              PerformanceWarning(
                .repeats, "start repeat inside an open repeat; played as :: (nested repeats are not supported, E-06)",
                at: b.location))
            out.append(.jumpBack(id: sectionStart))
            emit(items[sectionStart..<i], into: &out)
            out.append(.bar(b))
          }
          sectionStart = i + 1
          expectRepeat = true
          repPoint = i + 1
          out.append(.sectionStart(id: i + 1))
        } else if b.isSectionBoundary {
          repPoint = i + 1
          out.append(.sectionStart(id: i + 1))
        }
        i += 1
      case .ending:
        let start = expectRepeat ? sectionStart : repPoint
        i = playEndings(items, from: i, bodyStart: start, into: &out)
        expectRepeat = false
        repPoint = i
        out.append(.sectionStart(id: i))
      }
    }
    return out
  }

  /// Plays a group of variant endings starting at `first` (the body `[bodyStart, first)` has been played once) and
  /// returns the index where reading continues.
  private mutating func playEndings(
    _ items: ArraySlice<ScriptItem>, from first: Int, bodyStart: Int, into out: inout [PlayedItem]
  ) -> Int {
    // Collect the endings: (mark, content range, terminating repeat bar if it belongs to the ending).
    var endings: [(mark: EndingMark, content: Range<Int>, closingBar: BarMark?)] = []
    var j = first
    /// Where the current ending's items start: after its mark, or at the field changes (`M:`, `K:` lines) written
    /// between the previous ending's `:|` and this ending's mark, which belong to this ending's pass.
    var contentStart = first + 1
    var resume = items.endIndex
    while j < items.endIndex, case .ending(let mark) = items[j] {
      var k = j + 1
      var closing: BarMark?
      var next = items.endIndex
      scan: while k < items.endIndex {
        switch items[k] {
        case .ending:
          next = k
          break scan
        case .part:
          next = k
          break scan
        case .bar(let b) where b.endRepeats > 0:
          closing = b
          next = k + 1
          break scan
        case .bar(let b) where b.startRepeats > 0 || b.isSectionBoundary:
          next = k
          break scan
        default:
          k += 1
        }
      }
      // The group goes on only when another ending follows directly (after field changes, if any: `:|` ⏎ `M:3/4` ⏎
      // `[2 …`).
      var n = next
      if closing != nil {
        while n < items.endIndex, case .control = items[n] { n += 1 }
      }
      if n < items.endIndex, case .ending = items[n] {
        endings.append((mark, contentStart..<k, closing))
        contentStart = n > next ? next : n + 1
        j = n
        continue
      }
      // The last ending: when it spans several bars and then meets `:|`, that end repeat belongs to the next section
      // (the session pattern `|2 ...| B part ...:|`, whose B part has no `|:`); the ending is its first bar. Only for
      // first and second endings: after `|1-3 … :|4 c | d :|` the fourth ending runs to its `:|` (E-03).
      let twoPasses = mark.maxPass <= 2 && endings.allSatisfy { $0.mark.maxPass <= 2 }
      if closing != nil, twoPasses,
        let firstBar = items[contentStart..<k].firstIndex(where: {
          if case .bar = $0 { return true } else { return false }
        })
      {
        endings.append((mark, contentStart..<firstBar + 1, nil))
        resume = firstBar + 1
      } else {
        endings.append((mark, contentStart..<k, closing))
        resume = next
      }
      break
    }
    var passes = 2
    for e in endings {
      passes = max(passes, e.mark.maxPass)
      if let b = e.closingBar, e.mark.contains(pass: 1) { passes = max(passes, 1 + b.endRepeats) }
    }
    passes = min(passes, Self.maxPasses)
    for pass in 1...passes {
      if pass > 1 {
        out.append(.jumpBack(id: bodyStart))
        emit(items[bodyStart..<first], into: &out)
      }
      if let e = endings.first(where: { $0.mark.contains(pass: pass) }) {
        emit(items[e.content], into: &out)
        if let b = e.closingBar { out.append(.bar(b)) }
      }
    }
    return resume
  }

  /// Copies the items of a section body (bars, sounds, controls) into the played order.
  private func emit(_ items: ArraySlice<ScriptItem>, into out: inout [PlayedItem]) {
    for item in items {
      switch item {
      case .sound(let s): out.append(.sound(s))
      case .bar(let b): out.append(.bar(b))
      case .control(let c): out.append(.control(c))
      case .part(let label, _): out.append(.part(label))
      case .ending: break
      }
    }
  }
}
