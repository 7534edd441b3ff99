import ABCParser

extension ScriptBuilder {
  /// Reads body elements in source order (macro uses are read through their expansion).
  mutating func readBody(_ elements: inout ArraySlice<BodyElement>) {
    var afterBar = false
    while let element = elements.popFirst() {
      defer {
        switch element {
        case .barLine: afterBar = true
        case .space, .comment, .lineBreak, .continuation: break
        default: afterBar = false
        }
      }
      if options.abc2midiDecorations { dropDetachedShorthands(before: element) }
      switch element {
      case .stray(let s) where s.text == "-" && afterBar:
        // `c2|-c2`: a tie written after the bar line (illegal in 2.1, reported by the parser); abc2midi ties, and the
        // intent is clear.
        tieLastSound()
      case .note(let n): note(n)
      case .chord(let c):
        if !c.isClosed, let joined = Self.joinWrappedChord(c, rest: &elements) { chord(joined) } else { chord(c) }
      case .rest(let r): rest(r)
      case .multiMeasureRest(let m): multiMeasureRest(m)
      case .spacer: voices[current].pendingDecorations.removeAll()
      case .barLine(let b): bar(b)
      case .ending(let e): ending(e)
      case .tuplet(let t): tuplet(t)
      case .graceGroup(let g): graces(g)
      case .brokenRhythm(let b): brokenRhythm(b)
      case .tie: tieLastSound()
      case .decoration(let d): decoration(d)
      case .chordSymbol(let s): chordSymbol(s)
      case .field(let f): field(f)
      case .directive(let d): directive(d, inHeader: false)
      case .overlay(let o): overlay(o)
      case .macro(let m):
        var expansion = m.expansion[...]
        readBody(&expansion)
      case .slurStart: voices[current].slurDepth += 1
      case .slurEnd: voices[current].endSlur()
      case .annotation, .comment, .space, .lineBreak, .continuation, .scoreLineBreak, .stray:
        break
      }
    }
  }

  /// abc2midi reads a one-character decoration as part of the note right after it: anything else in between (a
  /// space, a slur, a tuplet, a chord symbol, an annotation) is a "Malformed note" to it and the decoration is lost.
  mutating func dropDetachedShorthands(before element: BodyElement) {
    switch element {
    case .space, .slurStart, .tuplet, .chordSymbol, .annotation:
      voices[current].pendingDecorations.removeAll { $0.form == .shorthand }
    default:
      break
    }
  }

  /// A chord hard-wrapped across two lines (`[C` ⏎ `E]2`; the parser reports it and leaves the `]` with its length
  /// and tie as a stray at the start of the next line): the whole chord, with the elements up to that `]` consumed;
  /// `nil` when the open chord is not followed, after a line break, by notes and such a `]`.
  static func joinWrappedChord(_ c: Chord, rest elements: inout ArraySlice<BodyElement>) -> Chord? {
    var k = elements.startIndex
    var sawLineBreak = false
    var notes: [BodyElement] = []
    while k < elements.endIndex {
      switch elements[k] {
      case .lineBreak: sawLineBreak = true
      case .space, .comment: break
      case .note(let n) where sawLineBreak: notes.append(.note(n))
      case .stray(let s) where sawLineBreak && !notes.isEmpty && s.text.hasPrefix("]"):
        var text = Substring(s.text.dropFirst())
        var joined = c
        if text.hasSuffix("-") {
          text = text.dropLast()
          joined.tie = Tie(range: s.range)
        }
        joined.elements += notes
        joined.length = writtenLength(text)
        joined.lengthText = String(text)
        joined.isClosed = true
        elements = elements[(k + 1)...]
        return joined
      default: return nil
      }
      k += 1
    }
    return nil
  }

  /// A written length multiplier (`2`, `/`, `//`, `3/2`, `/4`); 1 when empty or unreadable.
  static func writtenLength(_ text: Substring) -> NoteLength {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    let numerator = parts.first.flatMap { Int($0) } ?? 1
    var denominator = 1
    for part in parts.dropFirst() { denominator *= Int(part) ?? 2 }
    return NoteLength(exactly: max(1, min(numerator, 1 << 20)), max(1, min(denominator, 1 << 20))) ?? .one
  }

  // MARK: - Fields and directives

  mutating func field(_ f: Field) {
    switch f.value {
    case .key(let k):
      if let signature = k.signature {
        // K-14: accidentals already written in this bar stay until the bar line.
        voices[current].keySignature = signature
        if voices[current].script.overlayOf == nil {
          voices[current].append(.control(.key(sharps: max(-7, min(7, k.fifths ?? 0)), minor: k.isMinor)))
        }
      }
      applyVoiceParameters(k.clef)
    case .unitLength(let l):
      if l.numerator > 0 { voices[current].unitLength = l }
    case .meter(let m):
      voices[current].meter = m
      voices[current].append(.control(.meter(m)))
    case .tempo(let t):
      if let us = Self.microsecondsPerQuarter(t, unitLength: headerUnit) {
        voices[current].append(.control(.tempo(microsecondsPerQuarter: us)))
      }
    case .voice(let v):
      returnFromOverlay()
      switchVoice(to: voice(v.key, name: v.name))
      applyVoiceParameters(v.clef)
    case .parts(let p):
      guard let label = p.labels.first else { return }
      returnFromOverlay()
      partLabels.append((label, f.location))
      for i in voices.indices where voices[i].script.overlayOf == nil {
        voices[i].append(.part(label: label, location: f.location))
        voices[i].barStartItem = voices[i].script.items.count
      }
      // abc2midi: a part label returns to the first voice (P-09).
      switchVoice(to: 0)
    case .instruction(let directives):
      for d in directives { directive(d, inHeader: false) }
    case .lyrics(let lyrics):
      voices[current].alignLyrics(lyrics, continuing: f.letter == "+")
    default:
      break
    }
  }

  /// Acts on a `%%` directive or `I:` instruction. Reading-time settings change here; playing-time ones go into the
  /// current voice's script.
  mutating func directive(_ d: Directive, inHeader: Bool) {
    if d.name == "propagate-accidentals" {
      switch d.arguments.trimmingABCSpaces().lowercased() {
      case "not": propagation = .none
      case "octave": propagation = .octave
      default: propagation = .pitch
      }
      return
    }
    guard let midi = d.midi else { return }
    switch midi {
    case .transpose(let n) where inHeader:
      headerTranspose = n
    case .relativeTranspose(let n) where inHeader:
      headerTranspose += n
    case .ratio(let n, let m):
      if n > 0, m > 0, let a = NoteLength(exactly: 2 * n, n + m), let b = NoteLength(exactly: 2 * m, n + m) {
        brokenFactors = (a, b)
      } else {
        warnings.append(PerformanceWarning(.midiDirective, "%%MIDI ratio needs two positive numbers", at: d.location))
      }
    case .grace(let f):
      if f > .zero && f < .one {
        graceTiming = .fraction(f)
      } else {
        warnings.append(
          PerformanceWarning(
            .midiDirective, "%%MIDI grace needs a fraction between 0 and 1, such as 1/4", at: d.location))
      }
    case .graceDivider(let n):
      if n >= 1 { graceTiming = .divider(n) }
    case .chordName(let name, let semitones):
      if !semitones.isEmpty { chordNames[name] = semitones }
    case .noBarlines:
      propagation = .none
    case .barlines:
      propagation = .pitch
    case .fermataFixed:
      fermataFixed = true
    case .fermataProportional:
      fermataFixed = false
    case .middleC(let c):
      if (0...127).contains(c) { middleC = c }
    case .deltaLoudness(let n):
      deltaLoudness = n
    case .trim(let f):
      voices[current].trim = f * voices[current].unitLength
      voices[current].expand = .zero
    case .expand(let f):
      voices[current].expand = f * voices[current].unitLength
      voices[current].trim = .zero
    case .randomChordAttack:
      warnings.append(
        PerformanceWarning(
          .midiDirective, "%%MIDI randomchordattack is not supported (playback is deterministic); use chordattack",
          at: d.location))
    case .voiceInstrument(let id, let instrument, _, _):
      guard let instrument, (1...128).contains(instrument) else { return }
      let target = id.map { voice(String($0.prefix(20))) } ?? current
      voices[target].append(.control(.midi(.program(channel: nil, program: instrument - 1))))
    case .other(let name, _):
      if name != "vol" && name != "volinc" {
        warnings.append(PerformanceWarning(.midiDirective, "%%MIDI \(name) is not supported; ignored", at: d.location))
      } else {
        voices[current].append(.control(.midi(midi)))
      }
    default:
      voices[current].append(.control(.midi(midi)))
    }
  }

  /// A tie written apart from its note (`A2 -A2`): ties the notes of the last note or chord.
  mutating func tieLastSound() {
    guard
      let i = voices[current].script.items.lastIndex(where: {
        if case .sound(let s) = $0 { return !s.isGrace && !s.isRest } else { return false }
      }), case .sound(var s) = voices[current].script.items[i]
    else { return }
    for t in s.tones.indices { s.tones[t].isTied = true }
    voices[current].script.items[i] = .sound(s)
  }

  // MARK: - Bars and endings

  mutating func bar(_ b: BarLine) {
    returnFromOverlay()
    // Mutated in place (never through a copy of the voice, which would copy its whole script on the next append).
    if !voices[current].pendingGraces.isEmpty {
      warnings.append(
        PerformanceWarning(
          .graceNotes, "grace notes before a bar line have no note to lean on; dropped", at: b.location))
      voices[current].pendingGraces.removeAll()
    }
    voices[current].pendingDecorations.removeAll()
    closeOverlayBar()
    let boundary = b.style == .double || b.style == .thinThick || b.style == .thickThin || b.style == .dotted
    let plain = (b.style == .single || b.style == .invisible) && b.endRepeats == 0 && b.startRepeats == 0
    voices[current].append(
      .bar(
        BarMark(
          isPlain: plain, endRepeats: b.endRepeats, startRepeats: b.startRepeats, isSectionBoundary: boundary,
          location: b.location)))
    voices[current].resetBarAccidentals()
    voices[current].lyricBarPending = true
    voices[current].hornpipePosition = .zero
    voices[current].barStartItem = voices[current].script.items.count
    voices[current].overlaysInBar = 0
  }

  mutating func ending(_ e: Ending) {
    var numbers = e.numbers
    if numbers.isEmpty { numbers = [1...1] }
    voices[current].append(.ending(EndingMark(numbers: numbers, location: e.location)))
    voices[current].barStartItem = voices[current].script.items.count
  }

  // MARK: - Decorations and chord symbols

  mutating func decoration(_ d: Decoration) {
    let name = d.name
    if let dynamic = Self.dynamics[name == "pppp" ? "ppp" : name == "ffff" ? "fff" : name] {
      voices[current].append(.control(.dynamic(first: dynamic.0, strong: dynamic.1, other: dynamic.2)))
      return
    }
    switch name {
    case "crescendo(", "<(", "crescendo)", "<)":
      voices[current].append(.control(.velocityShift(deltaLoudness)))
    case "diminuendo(", ">(", "diminuendo)", ">)":
      voices[current].append(.control(.velocityShift(-deltaLoudness)))
    case "ped", "ped(":
      voices[current].append(.control(.pedal(on: true)))
    case "ped-up", "ped)", "ped-end":
      voices[current].append(.control(.pedal(on: false)))
    case "drum":
      voices[current].append(.control(.midi(.drumOn)))
    case "nodrum":
      voices[current].append(.control(.midi(.drumOff)))
    default:
      voices[current].pendingDecorations.append(d)
    }
  }

  /// abc2midi's dynamics: `beat a b c 1` for each mark (§12.4).
  static let dynamics: [String: (Int, Int, Int)] = [
    "ppp": (30, 20, 10), "pp": (45, 35, 20), "p": (60, 50, 35), "mp": (75, 65, 50), "mf": (90, 80, 65),
    "f": (105, 95, 80), "ff": (120, 110, 95), "fff": (127, 125, 110),
  ]

  mutating func chordSymbol(_ s: ChordSymbol) {
    let resolved: (chord: GuitarChord, known: Bool)
    let type: String
    if let name = s.chord {
      resolved = GuitarChord.resolve(name, custom: chordNames)
      type = name.type
    } else if let r = GuitarChord.resolve(text: s.text, custom: chordNames) {
      resolved = r
      type = s.text
    } else {
      return
    }
    if !resolved.known {
      warnings.append(
        PerformanceWarning(
          .chordSymbol,
          "chord type \"\(type)\" in \"\(s.text)\" is unknown; playing a major triad (define it with %%MIDI chordname)",
          at: s.location))
    }
    voices[current].append(.control(.chordSymbol(resolved.chord, known: resolved.known)))
  }

  // MARK: - Overlays (V-08)

  /// `&`: the following notes, up to the bar line, form an extra voice that starts at the beginning of this bar.
  mutating func overlay(_ o: Overlay) {
    if o.text == "&)" {
      returnFromOverlay()
      return
    }
    let base = voices[current].script.overlayOf.flatMap { voiceIndex[$0] } ?? current
    current = base
    voices[base].overlaysInBar += 1
    let id = "\(voices[base].script.id)&\(voices[base].overlaysInBar)"
    let ov = voice(id, overlayOf: voices[base].script.id)
    voices[ov].keySignature = voices[base].keySignature
    voices[ov].unitLength = voices[base].unitLength
    voices[ov].meter = voices[base].meter
    voices[ov].octaveShift = voices[base].octaveShift
    voices[ov].resetBarAccidentals()
    mirror(base: base, into: ov, upTo: voices[base].barStartItem)
    voices[ov].barStartItem = voices[ov].script.items.count
    current = ov
  }

  /// Copies the time and structure (rests for sounds; bars, endings, parts, meters, programs) of the base voice's
  /// items `[mirroredItems, end)` into overlay voice `ov`, so the overlay repeats along with its voice.
  mutating func mirror(base: Int, into ov: Int, upTo end: Int) {
    let start = voices[ov].mirroredItems
    guard start < end else { return }
    for item in voices[base].script.items[start..<end] {
      switch item {
      case .sound(let s):
        voices[ov].append(.sound(Sound(advance: s.advance, tones: [], location: s.location)))
      case .bar, .ending, .part, .control(.meter), .control(.midi(.program)):
        voices[ov].append(item)
      default:
        break
      }
    }
    voices[ov].mirroredItems = end
  }

  /// Leaves an overlay voice for its base voice.
  mutating func returnFromOverlay() {
    if let base = voices[current].script.overlayOf, let b = voiceIndex[base] { current = b }
  }

  /// At a bar line of a voice with overlays in the bar: pad each overlay to the bar's length, and skip the voice's own
  /// notes of this bar when mirroring later.
  mutating func closeOverlayBar() {
    let base = current
    guard voices[base].overlaysInBar > 0 else { return }
    let baseTime = Self.time(of: voices[base].script.items[voices[base].barStartItem...])
    for k in 1...voices[base].overlaysInBar {
      guard let ov = voiceIndex["\(voices[base].script.id)&\(k)"] else { continue }
      let ovTime = Self.time(of: voices[ov].script.items[voices[ov].barStartItem...])
      if ovTime < baseTime {
        voices[ov].append(
          .sound(
            Sound(
              advance: baseTime - ovTime, tones: [],
              location: voices[base].script.items.last.map(Self.location) ?? tune.location)))
      }
      voices[ov].mirroredItems = voices[base].script.items.count
    }
  }

  /// At the end of the tune: every overlay mirrors the rest of its voice (so repeats after the last overlay bar
  /// stay aligned).
  mutating func finishOverlays() {
    for ov in voices.indices {
      guard let base = voices[ov].script.overlayOf, let b = voiceIndex[base] else { continue }
      mirror(base: b, into: ov, upTo: voices[b].script.items.count)
    }
  }

  /// Total advance of the sounds in `items`.
  static func time(of items: ArraySlice<ScriptItem>) -> NoteLength {
    var t = NoteLength.zero
    for case .sound(let s) in items { t += s.advance }
    return t
  }

  static func location(of item: ScriptItem) -> SourceLocation {
    switch item {
    case .sound(let s): return s.location
    case .bar(let b): return b.location
    case .ending(let e): return e.location
    case .part(_, let l): return l
    case .control: return .start
    }
  }
}
