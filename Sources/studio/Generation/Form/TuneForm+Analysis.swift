import ABCParser
import MIDI

extension TuneForm {
  /// The performer used for form analysis: melody only, ornaments as plain notes.
  static let performer = ABCPerformer(options: PerformanceOptions(accompaniment: false, ornaments: false))

  /// The form of the first tune in `text`, `nil` when it holds no tune.
  init?(text: String) {
    guard let tune = ABCParser().parse(text).tunes.first else { return nil }
    self.init(tune)
  }

  /// Analyses `tune` (see the type's documentation for every definition).
  init(_ tune: ABCTune) {
    let voice = Self.performer.writtenVoice(tune)
    let reading = WrittenBars(voice: voice, headerMeter: tune.meter)
    let bars = reading.bars
    let parts = PartReader(tokens: reading.tokens, bars: bars).parts()

    var formParts: [Part] = []
    var pickUps = Set<Int>()
    // Per part: the last bars of its body or of each ending, and its pick-up (zero when none).
    var closings: [(bars: [Int], pickUp: NoteLength)] = []
    var splits = Set<Int>()
    for part in parts {
      let pass = part.body + (part.endings.first ?? [])
      guard let first = pass.first else { continue }
      var pickUp: NoteLength?
      if pass.count > 1, let length = bars[first].meterLength, bars[first].duration < length {
        pickUp = bars[first].duration
        pickUps.insert(first)
      }
      // Bars split in two by a bar line (often where an ending starts: `dBAG E2|[1 (3Bcd|`) count once.
      var splitBars = 0
      let passes = part.endings.isEmpty ? [part.body] : part.endings.map { part.body + $0 }
      for (k, sequence) in passes.enumerated() {
        let pairs = Self.splitPairs(sequence, bars: bars, from: pickUp == nil ? 0 : 1)
        for pair in pairs { splits.formUnion([pair.0, pair.1]) }
        if k == 0 { splitBars = pairs.count }
      }
      let closing = part.endings.last?.last ?? part.body.last ?? first
      let ends = part.endings.isEmpty ? [part.body.last] : part.endings.map(\.last)
      closings.append((ends.compactMap { $0 }, pickUp ?? .zero))
      var makesOneBar: Bool?
      if let length = bars[closing].meterLength {
        let c = bars[closing].duration
        makesOneBar = pickUp.map { $0 + c == length } ?? (c == length)
      }
      formParts.append(
        Part(
          label: part.label, bars: pass.count - (pickUp == nil ? 0 : 1) - splitBars, endings: part.endings.count,
          pickUp: pickUp?.description, closingBar: bars[closing].duration.description, makesOneBar: makesOneBar))
    }

    // A short closing bar fits when it completes the pick-up of its own part, of the next part, or (the tune's last
    // bar) of the first part.
    var completing = Set<Int>()
    for (k, part) in closings.enumerated() {
      var pickUpsToComplete = [part.pickUp]
      if k + 1 < closings.count { pickUpsToComplete.append(closings[k + 1].pickUp) }
      if k == closings.count - 1, let first = closings.first { pickUpsToComplete.append(first.pickUp) }
      for index in part.bars {
        guard let length = bars[index].meterLength else { continue }
        if pickUpsToComplete.contains(where: { $0 > .zero && $0 + bars[index].duration == length }) {
          completing.insert(index)
        }
      }
    }
    var offMeter: [String] = []
    var seen = Set<[WrittenBars.SoundKey]>()
    var compared = 0
    var repeated = 0
    for (index, bar) in bars.enumerated() {
      if let length = bar.meterLength, bar.duration != length {
        let allowed =
          (pickUps.contains(index) || completing.contains(index) || splits.contains(index)) && bar.duration < length
        if !allowed { offMeter.append("\(bar.location.line):\(bar.location.column)") }
      }
      guard !pickUps.contains(index) else { continue }
      compared += 1
      if !seen.insert(bar.content).inserted { repeated += 1 }
    }

    // Key and meter.
    var tonic: Int?
    switch tune.key?.root {
    case .tonic(let pc, let mode)?:
      tonic = pc.semitone
      let modeName = mode == .ionian ? "major" : mode == .aeolian ? "minor" : mode.rawValue
      key = "\(pc) \(modeName)"
    case .highlandPipes?: key = "HP"
    default: key = "none"
    }
    self.tonic = tonic
    meter = Self.timeSignature(reading.firstMeter ?? tune.meter)

    // Played order: final note and range.
    let performance = Self.performer.perform(tune).performance
    let notes = performance.tracks.first?.notes ?? []
    var final: (onset: NoteLength, pitch: Int)?
    var low: Int?
    var high: Int?
    for note in notes {
      let pitch = Int(note.pitch.value)
      low = min(low ?? pitch, pitch)
      high = max(high ?? pitch, pitch)
      if final == nil || note.onset > final!.onset || (note.onset == final!.onset && pitch > final!.pitch) {
        final = (note.onset, pitch)
      }
    }
    finalPitch = final?.pitch
    if let pitch = final?.pitch, let tonic {
      let shift = tune.key?.clef.transpose ?? 0
      endsOnTonic = ((pitch - tonic - shift) % 12 + 12) % 12 == 0
    } else {
      endsOnTonic = nil
    }
    lowestPitch = low
    highestPitch = high

    self.parts = formParts
    self.bars = formParts.reduce(0) { $0 + $1.bars }
    comparedBars = compared
    repeatedBars = repeated
    offMeterBars = offMeter
    tiesBetweenDifferentPitches = Self.badTies(voice)
  }

  /// Pairs of neighbouring bars of `sequence` (from index `start`, the last bar excluded: it is the closing bar) that
  /// are both shorter than their meter and together make exactly one bar.
  static func splitPairs(_ sequence: [Int], bars: [WrittenBars.Bar], from start: Int) -> [(Int, Int)] {
    var pairs: [(Int, Int)] = []
    var j = start
    while j + 2 < sequence.count {
      let a = bars[sequence[j]]
      let b = bars[sequence[j + 1]]
      if let length = a.meterLength, a.duration < length, b.duration < length, a.duration + b.duration == length {
        pairs.append((sequence[j], sequence[j + 1]))
        j += 2
      } else {
        j += 1
      }
    }
    return pairs
  }

  /// `6/8`, `4/4` for `C`, `2/2` for `C|`, `none` for free meter or no meter.
  static func timeSignature(_ meter: Meter?) -> String {
    guard let ts = meter?.timeSignature else { return "none" }
    return "\(ts.numerator)/\(ts.denominator)"
  }

  /// Tied notes whose next sound (written order) is a rest or lacks their pitch.
  static func badTies(_ voice: WrittenVoice) -> Int {
    var count = 0
    var pending: [Int] = []
    for case .sound(let sound) in voice.items {
      let pitches = Set(sound.tones.map(\.pitch))
      count += pending.filter { !pitches.contains($0) }.count
      pending = sound.tones.filter(\.isTied).map(\.pitch)
    }
    return count
  }
}

/// The bars of a `WrittenVoice` and the structure marks between them, in written order.
struct WrittenBars {
  /// One sound as compared between bars: its pitches (sorted, empty for a rest) and length.
  struct SoundKey: Hashable {
    var pitches: [Int]
    var length: NoteLength
  }

  struct Bar {
    var duration: NoteLength
    /// One bar of the meter in force where the bar starts; `nil` in free meter.
    var meterLength: NoteLength?
    var content: [SoundKey]
    var location: SourceLocation
  }

  /// The written order reduced to what form needs.
  enum Token {
    case bar(Int)
    case line(WrittenVoice.BarLine)
    case ending
    case part(String)
  }

  private(set) var bars: [Bar] = []
  private(set) var tokens: [Token] = []
  /// The meter in force at the first sound.
  private(set) var firstMeter: Meter?

  init(voice: WrittenVoice, headerMeter: Meter?) {
    var meter = headerMeter
    var open: Bar?
    var sawSound = false
    func close() {
      if let bar = open {
        tokens.append(.bar(bars.count))
        bars.append(bar)
      }
      open = nil
    }
    for item in voice.items {
      switch item {
      case .sound(let s):
        if !sawSound {
          firstMeter = meter
          sawSound = true
        }
        if open == nil {
          open = Bar(duration: .zero, meterLength: meter?.barLength, content: [], location: s.location)
        }
        open!.duration += s.advance
        open!.content.append(SoundKey(pitches: s.tones.map(\.pitch).sorted(), length: s.advance))
      case .bar(let line):
        close()
        tokens.append(.line(line))
      case .ending:
        close()
        tokens.append(.ending)
      case .part(let label, _):
        close()
        tokens.append(.part(label))
      case .meter(let m):
        meter = m
      }
    }
    close()
  }
}

/// Cuts the token stream of `WrittenBars` into parts (see `TuneForm` for the rules).
struct PartReader {
  let tokens: [WrittenBars.Token]
  let bars: [WrittenBars.Bar]

  struct RawPart {
    var label: String?
    /// Bar indices before the endings.
    var body: [Int] = []
    /// Bar indices of each variant ending.
    var endings: [[Int]] = []
    var isEmpty: Bool { body.isEmpty && endings.allSatisfy(\.isEmpty) }
  }

  func parts() -> [RawPart] {
    var parts: [RawPart] = []
    var current = RawPart()
    func close(label: String? = nil) {
      if !current.isEmpty { parts.append(current) }
      current = RawPart(label: label)
    }
    var i = 0
    while i < tokens.count {
      switch tokens[i] {
      case .bar(let b):
        current.body.append(b)
        i += 1
      case .part(let label):
        close(label: label)
        i += 1
      case .line(let line):
        if line.endRepeats > 0 || line.startRepeats > 0 || line.isSectionBoundary { close(label: nil) }
        i += 1
      case .ending:
        i = readEndings(from: i, into: &current)
        close()
      }
    }
    close()

    // A lone short bar before a part is that part's pick-up (`A|:d2…`).
    var merged: [RawPart] = []
    var k = 0
    while k < parts.count {
      let part = parts[k]
      if k + 1 < parts.count, part.endings.isEmpty, part.body.count == 1,
        let length = bars[part.body[0]].meterLength, bars[part.body[0]].duration < length,
        part.label == nil || parts[k + 1].label == nil
      {
        var next = parts[k + 1]
        next.body.insert(part.body[0], at: 0)
        next.label = next.label ?? part.label
        merged.append(next)
        k += 2
        continue
      }
      merged.append(part)
      k += 1
    }
    return merged
  }

  /// Reads a group of variant endings starting at `first` into `part`; returns where reading goes on.
  private func readEndings(from first: Int, into part: inout RawPart) -> Int {
    var j = first
    while j < tokens.count, case .ending = tokens[j] {
      var content: [Int] = []
      var closedByRepeat = false
      var firstLine: Int?
      var next = tokens.count
      var k = j + 1
      scan: while k < tokens.count {
        switch tokens[k] {
        case .ending, .part:
          next = k
          break scan
        case .line(let line) where line.endRepeats > 0:
          closedByRepeat = true
          next = k + 1
          break scan
        case .line(let line) where line.startRepeats > 0 || line.isSectionBoundary:
          next = k
          break scan
        case .line:
          if firstLine == nil { firstLine = k }
          k += 1
        case .bar(let b):
          content.append(b)
          k += 1
        }
      }
      if next < tokens.count, case .ending = tokens[next] {
        part.endings.append(content)
        j = next
        continue
      }
      // The last ending: when it meets `:|` only after a bar line, it is its first bar.
      if closedByRepeat, let line = firstLine {
        var own: [Int] = []
        for case .bar(let b) in tokens[(j + 1)..<line] { own.append(b) }
        part.endings.append(own)
        return line + 1
      }
      part.endings.append(content)
      return next
    }
    return j
  }
}
