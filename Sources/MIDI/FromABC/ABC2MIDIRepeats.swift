import ABCParser

/// abc2midi 4.84's own way of playing repeats, endings and parts, for `PerformanceOptions.abc2midiRepeats`
/// (differential testing against abc2midi).
///
/// It differs from `RepeatUnfolder` (ABC reference §12.2) in tunes where a section without `|:` follows variant
/// endings: abc2midi inserts implicit start repeats only before the first ending of the tune, and its pass counter
/// carries over from one section to the next, so such a section either jumps back to the previous section or is
/// played once with only its last ending. This is a faithful model of abc2midi's `scan_for_missing_repeats`,
/// `fixreps` and the repeat handling of `writetrack`, kept apart so the standard path stays simple.
struct ABC2MIDIRepeats {
  private enum Kind {
    case single, double, startRepeat, endRepeat, doubleRepeat
  }

  private enum Feature {
    case bar(Kind, BarMark)
    case ending(EndingMark)
    case part(String)
    case other(PlayedItem)
  }

  /// Unfolds one voice. `fixRepeats` is abc2midi's condition for its second repair pass (a single voice and no `P:`
  /// play order); `isFirstVoice` places the bar abc2midi adds at the start of the music.
  static func unfold(_ items: [ScriptItem], partOrder: [String]?, fixRepeats: Bool, isFirstVoice: Bool) -> [PlayedItem]
  {
    var features: [Feature] = []
    features.reserveCapacity(items.count + 4)
    // A header `P:` naming a single part is taken as that part's label at the start of the body, unless the body
    // labels it itself (abc2midi's `headerpartlabel`).
    if isFirstVoice, let order = partOrder, order.count == 1,
      !items.contains(where: { if case .part(let label, _) = $0 { return label == order[0] } else { return false } })
    {
      features.append(.part(order[0]))
    }
    // abc2midi adds a `||` where the first line of music starts (after field lines and part labels; before the
    // chord symbols and dynamics written on that line).
    var addedBar: Int?
    var musicStart: Int? =
      isFirstVoice
      ? items.firstIndex { item in
        switch item {
        case .sound, .bar, .ending, .control(.chordSymbol), .control(.dynamic), .control(.velocityShift),
          .control(.pedal):
          return true
        default:
          return false
        }
      } : nil
    for (index, item) in items.enumerated() {
      if index == musicStart {
        addedBar = features.count
        features.append(
          .bar(
            .double, BarMark(isPlain: false, endRepeats: 0, startRepeats: 0, isSectionBoundary: true, location: .start))
        )
        musicStart = nil
      }
      switch item {
      case .sound(let s): features.append(.other(.sound(s)))
      case .control(let c): features.append(.other(.control(c)))
      case .part(let label, _): features.append(.part(label))
      case .ending(let e): features.append(.ending(e))
      case .bar(let b):
        let kind: Kind =
          b.endRepeats > 0 && b.startRepeats > 0
          ? .doubleRepeat
          : b.endRepeats > 0 ? .endRepeat : b.startRepeats > 0 ? .startRepeat : b.isSectionBoundary ? .double : .single
        features.append(.bar(kind, b))
      }
    }
    insertMissingStarts(&features, byPart: partOrder != nil, musicStart: addedBar.map { $0 + 1 } ?? 0)
    if fixRepeats { fixReps(&features) }
    return play(features, partOrder: partOrder)
  }

  /// `scan_for_missing_repeats`: an end repeat before any start repeat (in the voice, or in the part when there is a
  /// play order) gets a start repeat where the voice (or part) begins; once per voice or part.
  private static func insertMissingStarts(_ f: inout [Feature], byPart: Bool, musicStart: Int) {
    var start = musicStart
    var found = false
    var inserts: [Int] = []
    for (i, feature) in f.enumerated() {
      switch feature {
      case .part where byPart:
        found = false
        start = i + 1
      case .bar(.startRepeat, _):
        found = true
      case .bar(.endRepeat, _), .bar(.doubleRepeat, _):
        if !found {
          inserts.append(start)
          found = true
        }
      default:
        break
      }
    }
    for i in inserts.reversed() {
      f.insert(
        .bar(
          .startRepeat,
          BarMark(isPlain: false, endRepeats: 0, startRepeats: 1, isSectionBoundary: false, location: .start)), at: i)
    }
  }

  /// `fixreps`: repairs later missing start repeats from the last `||` or `:|`, but only until the first variant
  /// ending of the tune (abc2midi's `nplays`).
  private static func fixReps(_ f: inout [Feature]) {
    var repPoint: Int?
    var expect = false
    var plays = 0
    func placeStart(_ at: Int?) {
      guard let at, case .bar(let kind, let b) = f[at] else { return }
      switch kind {
      case .single, .double: f[at] = .bar(.startRepeat, b)
      case .endRepeat: f[at] = .bar(.doubleRepeat, b)
      default: break
      }
    }
    for i in f.indices {
      switch f[i] {
      case .bar(.double, _):
        repPoint = i
      case .bar(.startRepeat, let b):
        if expect { f[i] = .bar(.doubleRepeat, b) }
        expect = true
      case .bar(.endRepeat, _):
        if !expect && plays < 1 { placeStart(repPoint) }
        expect = false
        repPoint = i
      case .ending:
        if plays == 0 && !expect { placeStart(repPoint) }
        plays += 1
      case .bar(.doubleRepeat, _):
        if !expect { placeStart(repPoint) }
        expect = true
      default:
        break
      }
    }
  }

  /// `writetrack`'s pass counter: plays the features, jumping back at end repeats and skipping endings not meant
  /// for the pass; with a play order, part labels jump to the next part.
  private static func play(_ f: [Feature], partOrder: [String]?) -> [PlayedItem] {
    var partStart: [String: Int] = [:]
    for (i, feature) in f.enumerated() { if case .part(let label) = feature { partStart[label] = i } }
    var order = partOrder.map { $0[...] }
    var out: [PlayedItem] = []
    var saved = 0
    var pass = 1
    var maxPass = 2
    var expect = false
    out.append(.sectionStart(id: 0))
    var j = 0
    var budget = max(1024, f.count * 64)
    /// At a part label (or the end) with a play order: the index of the next listed part's label, or `nil` to stop.
    func nextPart() -> Int? {
      while let label = order?.popFirst() {
        if let p = partStart[label] { return p }
      }
      return nil
    }
    while budget > 0 {
      budget -= 1
      if j >= f.count {
        guard order != nil, let p = nextPart(), case .part(let label) = f[p] else { break }
        out.append(.part(label))
        j = p + 1
        continue
      }
      switch f[j] {
      case .other(let item):
        out.append(item)
      case .part(let label):
        if order != nil {
          guard let p = nextPart(), case .part(let next) = f[p] else { return out }
          out.append(.part(next))
          j = p
        } else {
          out.append(.part(label))
        }
      case .bar(.single, let b):
        out.append(.bar(b))
      case .bar(.double, let b):
        out.append(.bar(b))
      case .bar(.startRepeat, let b):
        out.append(.bar(b))
        saved = j
        out.append(.sectionStart(id: j))
        expect = true
        pass = 1
        maxPass = 2
      case .bar(.endRepeat, let b):
        out.append(.bar(b))
        if pass == 1 {
          if expect {
            pass += 1
            out.append(.jumpBack(id: saved))
            j = saved
            expect = false
          }
        } else if pass < maxPass {
          expect = false
          pass += 1
          out.append(.jumpBack(id: saved))
          j = saved
        }
      case .bar(.doubleRepeat, let b):
        out.append(.bar(b))
        if pass > 1 || !expect {
          if pass > 1 { maxPass = 2 }
          expect = true
          saved = j
          out.append(.sectionStart(id: j))
          pass = 1
        } else {
          out.append(.jumpBack(id: saved))
          j = saved
          pass += 1
        }
      case .ending(let e):
        let passNumber = (expect || pass > 1) ? pass : 1
        if !e.contains(pass: passNumber) {
          j += 1
          while j < f.count {
            switch f[j] {
            case .bar(.endRepeat, _), .bar(.startRepeat, _), .bar(.double, _), .part, .ending: break
            default:
              j += 1
              continue
            }
            break
          }
          if j < f.count, case .part = f[j] { j -= 1 }
        } else if maxPass < 4 {
          maxPass = pass + 1
        }
      }
      j += 1
    }
    return out
  }
}
