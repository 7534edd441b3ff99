import ABCParser

/// The order in which a voice's bars and parts are played after repeats, variant endings and parts are unfolded
/// (ABC reference §12.2): what `studio convert --explain` prints, so a user can see why the notes come out in that
/// order.
///
/// Bars are numbered in the written music of the voice, from 1, counting each stretch of music between bar lines
/// once (bar lines with no music between them, such as `|` before `|:`, start no new bar; a pickup is bar 1).
public struct PlayOrder: Hashable, Sendable {
  /// One step of the played order.
  public enum Step: Hashable, Sendable {
    /// Consecutive written bars `first…last` played in order (one bar when equal).
    case bars(first: Int, last: Int)
    /// A variant ending starts here (`[1`, `|2`, `[1,3`), as written.
    case ending(String)
    /// A part starts here (a `P:` label in the body).
    case part(String)
    /// A repeat goes back: the next bars are played again.
    case repeatBack
  }

  /// The voice id (`"1"` for a tune without `V:`).
  public var voice: String
  public var steps: [Step]
  /// Bars played in all (each pass counted).
  public var barsPlayed: Int

  /// One line: `1 [1] 2–3 ↺ 1 [2] 4`, part labels as `P:A`.
  public var summary: String {
    var words: [String] = []
    for step in steps {
      switch step {
      case .bars(let a, let b): words.append(a == b ? "\(a)" : "\(a)–\(b)")
      case .ending(let text): words.append("[\(text)")
      case .part(let label): words.append("P:\(label)")
      case .repeatBack: words.append("↺")
      }
    }
    return words.joined(separator: " ")
  }
}

extension ABCPerformer {
  /// The play order of every voice of `tune`, unfolded exactly as `perform(_:)` unfolds it with these options
  /// (`abc2midiRepeats` included).
  public func playOrder(_ tune: ABCTune) -> [PlayOrder] {
    var builder = ScriptBuilder(tune: tune, options: options)
    let (settings, scripts) = builder.build()
    var unfolder = RepeatUnfolder()
    var result: [PlayOrder] = []
    for (i, script) in scripts.enumerated() where script.overlayOf == nil {
      let played: [PlayedItem]
      if options.abc2midiRepeats {
        let fix = settings.partOrder == nil && scripts.count == 1
        played = ABC2MIDIRepeats.unfold(
          script.items, partOrder: settings.partOrder, fixRepeats: fix, isFirstVoice: i == 0)
      } else {
        played = unfolder.unfold(script.items, partOrder: settings.partOrder, reportMissing: false).flatMap { $0 }
      }
      result.append(Self.playOrder(of: script, played: played))
    }
    return result
  }

  /// Numbers the written bars of `script` and follows `played` through them.
  static func playOrder(of script: VoiceScript, played: [PlayedItem]) -> PlayOrder {
    // Written bar of each sound (by source offset) and the ending written at the start of a bar.
    var barOfOffset: [Int: Int] = [:]
    var endingAtBar: [Int: String] = [:]
    var bar = 1
    var barHasMusic = false
    var pendingEnding: String?
    for item in script.items {
      switch item {
      case .sound(let s):
        if !barHasMusic, let e = pendingEnding {
          endingAtBar[bar] = e
          pendingEnding = nil
        }
        barHasMusic = true
        if barOfOffset[s.location.offset] == nil { barOfOffset[s.location.offset] = bar }
      case .bar:
        if barHasMusic { bar += 1 }
        barHasMusic = false
      case .ending(let mark):
        pendingEnding = mark.numbers.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
          .joined(separator: ",")
      case .part, .control:
        break
      }
    }
    var steps: [PlayOrder.Step] = []
    var last: Int?
    var barsPlayed = 0
    var pendingBack = false
    for item in played {
      switch item {
      case .sound(let s):
        guard let b = barOfOffset[s.location.offset], b != last else { continue }
        barsPlayed += 1
        if pendingBack {
          steps.append(.repeatBack)
          pendingBack = false
        }
        if let e = endingAtBar[b] { steps.append(.ending(e)) }
        if case .bars(let first, let previous)? = steps.last, previous == b - 1, endingAtBar[b] == nil, let l = last,
          l == b - 1
        {
          steps[steps.count - 1] = .bars(first: first, last: b)
        } else {
          steps.append(.bars(first: b, last: b))
        }
        last = b
      case .part(let label):
        steps.append(.part(label))
        last = nil
      case .jumpBack:
        pendingBack = true
        last = nil
      case .bar, .control, .sectionStart:
        break
      }
    }
    return PlayOrder(voice: script.id, steps: steps, barsPlayed: barsPlayed)
  }
}
