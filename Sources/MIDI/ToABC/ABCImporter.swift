import ABCParser

/// Turns the melody of a MIDI sequence into an ABC tune, like `midi2abc`, but always monophonic and quantised.
///
/// Steps: pick the melody part (`MelodyPart`), choose a grid and its phase (`GridFit`), quantise and resolve
/// overlaps (`MelodyQuantizer`: same onset → highest note; later onset → the earlier note is cut), choose the meter
/// and bar phase (`MeterFinder`) and key (`KeyFinder`), then write bars with ties across bar lines, pitches spelled
/// in the key with bar accidentals (`PitchSpeller`) and lengths as multiples of `L:` (`ABCMelodyWriter`).
///
/// ```swift
/// let sequence = try MIDIFile.read(path: "song.mid")
/// let result = try ABCImporter(options: .init(title: "song")).importMelody(from: sequence)
/// print(result.abcText)        // X:1 T:song M:4/4 L:1/16 Q:1/4=90 K:G …
/// ```
///
/// Pure: no I/O, no printing; the same sequence and options always give the same text.
public struct ABCImporter: Sendable {
  public var options: ABCImportOptions

  /// The largest Q: beats per minute written (six digits is what ABC readers take; real music stays far below).
  static let fastestTempo = 100_000

  /// Most bars a tune may have (over five hours of 4/4 at 120 BPM): more means a stray note far after the music,
  /// which would fill a training corpus with empty bars.
  public static let barLimit = 10_000

  public init(options: ABCImportOptions = ABCImportOptions()) { self.options = options }

  /// Imports the melody of `sequence`.
  /// - Throws: `ABCImportError` when there is nothing to import or the options do not fit the music.
  public func importMelody(from sequence: MIDISequence) throws(ABCImportError) -> ABCImportResult {
    guard options.barsPerLine >= 1 else {
      throw .optionTooSmall(name: "bars per line", value: options.barsPerLine, minimum: 1)
    }
    guard options.fillRests >= 0 else {
      throw .optionTooSmall(name: "rests to fill", value: options.fillRests, minimum: 0)
    }
    guard options.referenceNumber >= 1 else {
      throw .optionTooSmall(name: "reference number (X:)", value: options.referenceNumber, minimum: 1)
    }
    if let unit = options.unitLength, !ABCImportOptions.isValidUnitLength(unit) { throw .invalidUnitLength(unit) }
    let part = try choosePart(sequence)
    var notices: [String] = []

    // Grid and quantisation.
    let onsets = part.notes.map(\.startTick)
    let fit =
      options.grid.map { GridFit.fitting($0, ppq: sequence.ppq, onsets: onsets) }
      ?? GridFit.choosing(ppq: sequence.ppq, onsets: onsets)
    let quantized = MelodyQuantizer(fit: fit).quantize(part.notes)
    let (notes, filledRests) = MelodyQuantizer.fillingRests(upTo: options.fillRests, in: quantized.notes)
    if fit.grid.isTriplet {
      notices.append("the notes lie on a triplet grid (\(fit.grid)); written in compound time without tuplets")
    }
    if quantized.droppedSimultaneous > 0 {
      notices.append(
        "\(quantized.droppedSimultaneous) note\(quantized.droppedSimultaneous == 1 ? "" : "s") dropped: another note "
          + "started on the same \(fit.grid) step (the highest one is kept)")
    }

    // Meter and bars.
    let signatures = Self.timeSignatures(of: sequence)
    let layout = MeterFinder.layout(
      notes: notes, velocities: quantized.velocities, fit: fit, option: options.meter, timeSignature: signatures.first)
    guard let layout else {
      throw .meterDoesNotFitGrid(meter: options.meter ?? .fourFour, grid: fit.grid)
    }
    if signatures.count > 1, layout.meterSource == .timeSignature,
      signatures.dropFirst().contains(where: {
        $0.numerator != signatures[0].numerator || $0.denominator != signatures[0].denominator
      })
    {
      notices.append("the time signature changes later in the file; the whole tune is written in M:\(layout.meter)")
    }
    if let first = signatures.first, first.numerator < 2, layout.meterSource == .inferred {
      notices.append(
        "time signature \(first.numerator)/\(first.denominator) ignored; meter inferred as M:\(layout.meter)")
    }

    // Key.
    let key: ImportKey
    let correlation: Double?
    if let given = options.key {
      key = given
      correlation = nil
    } else {
      let estimate = KeyFinder.estimate(pitchClassWeights: KeyFinder.histogram(of: notes))
      key = estimate.key
      correlation = estimate.correlation
    }

    // Bars and text.
    let writer = ABCMelodyWriter(bars: layout, grid: fit.grid)
    if let first = notes.first, let last = notes.last {
      let span = layout.bar(atStep: last.end - 1) - layout.bar(atStep: first.start) + 1
      guard span <= Self.barLimit else { throw .tooManyBars(bars: span, limit: Self.barLimit) }
    }
    let bars = writer.layout(notes)
    let unit = options.unitLength ?? Self.chooseUnit(writer: writer, layout: bars)
    let tempos = Self.tempos(of: sequence)
    let bpm = tempos.first.map { 60_000_000 / Double(max(1, $0)) }
    if tempos.count > 1 {
      notices.append("\(tempos.count - 1) later tempo change(s) ignored; Q: gives the first tempo")
    }

    var header = "X:\(options.referenceNumber)\n"
    if let title = options.title.flatMap(ImportText.fieldValue) { header += "T:\(title)\n" }
    header += "M:\(layout.meter)\n"
    header += "L:\(unit)\n"
    if let bpm {
      let beat = fit.grid.isTriplet ? "3/8" : "1/4"
      // A damaged tempo (1 µs or 0 per quarter note: 60 000 000 BPM) is written as the fastest tempo ABC readers
      // take, with a notice, rather than as a Q: field no reader accepts.
      let written = min(Self.fastestTempo, max(1, Int(bpm.rounded())))
      if written != max(1, Int(bpm.rounded())) {
        notices.append(
          "tempo \(Int(bpm.rounded())) BPM (\(tempos.first ?? 0) µs per quarter note) is not a real tempo; "
            + "Q: gives \(written)")
      }
      header += "Q:\(beat)=\(written)\n"
    }
    header += "K:\(key)\n"
    let body = writer.render(bars, key: key, unit: unit, barsPerLine: options.barsPerLine)

    let firstBar = bars.firstBar
    let report = ABCImportReport(
      track: part.track, channel: part.channel, trackName: part.trackName, sourceNoteCount: part.notes.count,
      notes: notes, droppedSimultaneous: quantized.droppedSimultaneous, shortenedOverlaps: quantized.shortened,
      filledRests: filledRests,
      fit: fit, maxOnsetShiftTicks: quantized.maxOnsetShiftTicks, bars: layout, key: key,
      keySource: options.key == nil ? .inferred : .option, keyCorrelation: correlation, unitLength: unit,
      beatsPerMinute: bpm, barCount: bars.bars.count, skippedLeadingBars: max(0, firstBar),
      startsWithPickup: bars.isPickup, notices: notices)
    return ABCImportResult(abcText: header + body, report: report)
  }

  /// The part named by the options, or the most melodic one.
  func choosePart(_ sequence: MIDISequence) throws(ABCImportError) -> MelodyPart {
    let all = MelodyPart.parts(of: sequence)
    if let track = options.track, !(0..<sequence.tracks.count).contains(track) {
      throw .trackOutOfRange(track: track, trackCount: sequence.tracks.count)
    }
    let chosen = all.filter { part in
      (options.track.map { part.track == $0 } ?? true) && (options.channel.map { part.channel == $0 } ?? true)
    }
    guard !all.isEmpty else { throw .noNotes }
    guard let best = MelodyPart.mostLikelyMelody(among: chosen, ppq: sequence.ppq) else {
      throw .noNotesInPart(
        track: options.track, channel: options.channel, tracksWithNotes: Array(Set(all.map(\.track))).sorted())
    }
    return best
  }

  /// L:1/8 or L:1/16, whichever writes fewer length characters (1/8 on a tie).
  static func chooseUnit(writer: ABCMelodyWriter, layout: ABCMelodyWriter.Layout) -> NoteLength {
    let eighth = writer.lengthCost(layout, unit: NoteLength(1, 8))
    let sixteenth = writer.lengthCost(layout, unit: NoteLength(1, 16))
    return sixteenth < eighth ? NoteLength(1, 16) : NoteLength(1, 8)
  }

  /// Time-signature events of all tracks in tick order (denominator powers above 6 are skipped).
  static func timeSignatures(of sequence: MIDISequence) -> [(numerator: Int, denominator: Int, tick: Int)] {
    var found: [(numerator: Int, denominator: Int, tick: Int)] = []
    for track in sequence.tracks {
      for e in track.events {
        if case .meta(.timeSignature(let n, let power, _, _)) = e.event, power <= 6 {
          found.append((Int(n), 1 << Int(power), e.tick))
        }
      }
    }
    return found.enumerated().sorted { a, b in
      a.element.tick != b.element.tick ? a.element.tick < b.element.tick : a.offset < b.offset
    }.map(\.element)
  }

  /// Microseconds per quarter of every tempo event, in tick order.
  static func tempos(of sequence: MIDISequence) -> [Int] {
    var found: [(tick: Int, us: Int)] = []
    for track in sequence.tracks {
      for e in track.events {
        if case .meta(.tempo(let us)) = e.event { found.append((e.tick, Int(us))) }
      }
    }
    return found.enumerated().sorted { a, b in
      a.element.tick != b.element.tick ? a.element.tick < b.element.tick : a.offset < b.offset
    }.map(\.element.us)
  }
}
