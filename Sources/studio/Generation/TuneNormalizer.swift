import ABCParser

/// Rewrites two habits of the session-tune corpora that the rejection policy for generated tunes (strict validation,
/// balanced repeats) refuses, into equivalent ABC 2.1, so a model that writes like its corpus is not rejected for
/// the corpus's conventions:
///
/// - **`!` line ends** (abc 1.6/2.0 score line breaks, on almost every line of `irish.abc`) become plain line ends,
///   which are score line breaks in ABC 2.1 (`I:linebreak !` would declare them instead, but abc2midi then prints
///   an `Error` for every tune that has one).
/// - **Implied start repeats**: a part that ends with `:|` without a `|:` (763 of the 804 tunes of `irish.abc`)
///   repeats from the start of its part: the start of the tune, or the previous `:|` or double bar (abc2midi's
///   "Assuming repeat", ABC019). A `|:` is put at the start of the part. The music played does not change.
///
/// - **`Y:` play orders** (the Nottingham Music Database's field, 308 tunes): ABC 2.1 writes the play order as a
///   header `P:`. `Y:AABABAC` becomes `P:AABABAC` when every part it names is labelled in the body and the header has
///   no `P:`; otherwise the line (which abc2midi ignores too) is removed.
/// - **Detached ties** (`d3 -d2`, Nottingham): the tie moves next to its note (`d3- d2`); the notes do not change.
///
/// Tunes with several voices, or with repeats that are broken in other ways, are left as they are.
enum TuneNormalizer {
  /// The rewritten text and a short description of each rewrite made (empty when nothing changed).
  static func normalize(_ text: String) -> (text: String, changes: [String]) {
    guard let tune = ABCParser().parse(text).tunes.first else { return (text, []) }
    var edits: [(offset: Int, remove: Int, insert: String)] = []
    var changes: [String] = []

    let hasVoices =
      !tune.declaredVoices.isEmpty
      || tune.body.contains { element in
        if case .field(let field) = element, field.letter == "V" { return true }
        return false
      }
    if !hasVoices, let repeatEdits = explicitStartRepeats(tune) {
      edits += repeatEdits
      if !repeatEdits.isEmpty { changes.append("start repeats made explicit") }
    }

    // `!` score line breaks become plain line ends (ABC 2.1: a line end is a score line break).
    let source = Array(text.utf8)
    var bangEdits: [(offset: Int, remove: Int, insert: String)] = []
    for case .scoreLineBreak(let mark) in tune.body where mark.text == "!" {
      let start = mark.range.start.offset
      let end = mark.range.end.offset
      let atLineEnd = end >= source.count || source[end] == UInt8(ascii: "\n")
      bangEdits.append((start, end - start, atLineEnd ? "" : "\n"))
    }
    if !bangEdits.isEmpty {
      edits += bangEdits
      changes.append("! line breaks written as line ends")
    }

    let playOrder = playOrderEdits(tune)
    if !playOrder.edits.isEmpty {
      edits += playOrder.edits
      changes.append(playOrder.converted ? "Y: play order written as P:" : "Y: line removed")
    }

    let tieEdits = attachedTies(tune)
    if !tieEdits.isEmpty {
      edits += tieEdits
      changes.append("detached ties attached")
    }

    guard !edits.isEmpty else { return (text, []) }
    var bytes = Array(text.utf8)
    for edit in edits.sorted(by: { $0.offset > $1.offset }) {
      bytes.replaceSubrange(edit.offset..<(edit.offset + edit.remove), with: Array(edit.insert.utf8))
    }
    return (String(decoding: bytes, as: UTF8.self), changes)
  }

  /// Edits that give every end repeat without a start its start; nil when that start cannot be placed safely (a
  /// second `|:` inside a repeat, a part after second endings that no double bar closes), which is left to the
  /// validator.
  ///
  /// A part starts at the first music of the tune, after an end repeat that is not followed by an ending, or after
  /// a double or thick bar line (`||`, `|]`, `[|`). The start repeat goes before the part's first music element (a
  /// plain `|` there becomes `|:`).
  private static func explicitStartRepeats(_ tune: ABCTune) -> [(offset: Int, remove: Int, insert: String)]? {
    var edits: [(offset: Int, remove: Int, insert: String)] = []
    var open = false
    var partStart: BodyElement?
    var awaitingPartStart = true
    var used = Set<Int>()
    for element in tune.body {
      switch element {
      case .space, .comment, .lineBreak, .continuation, .scoreLineBreak, .stray, .field, .directive:
        continue
      default:
        break
      }
      if awaitingPartStart {
        awaitingPartStart = false
        // An end repeat followed by an ending is inside a repeat structure, not the end of a part.
        if case .ending = element { continue }
        partStart = element
      }
      guard case .barLine(let bar) = element else { continue }
      if bar.endRepeats > 0 {
        if !open {
          guard let start = partStart, used.insert(start.range.start.offset).inserted else { return nil }
          if case .barLine(let first) = start, first.text == "|" {
            edits.append((first.range.start.offset, first.text.utf8.count, "|:"))
          } else {
            edits.append((start.range.start.offset, 0, "|:"))
          }
        }
        open = bar.startRepeats > 0
        partStart = nil
        awaitingPartStart = !open
      } else if bar.startRepeats > 0 {
        if open { return nil }
        open = true
        partStart = nil
      } else if [.double, .thinThick, .thickThin].contains(bar.style), !open {
        partStart = nil
        awaitingPartStart = true
      }
    }
    return edits
  }

  /// Rewrites each header `Y:` line: to `P:` when it is a plain order of parts that the body labels (and the header has
  /// no `P:` of its own), else removes it with its line end.
  private static func playOrderEdits(_ tune: ABCTune) -> (edits: [(offset: Int, remove: Int, insert: String)], converted: Bool) {
    let fields = tune.headerFields
    let orders = fields.filter { $0.letter == "Y" }
    guard !orders.isEmpty else { return ([], false) }
    let labelled = Set(
      tune.body.compactMap { element -> String? in
        if case .field(let field) = element, field.letter == "P" { return field.trimmedValue }
        return nil
      })
    let headerHasParts = fields.contains { $0.letter == "P" }
    var edits: [(offset: Int, remove: Int, insert: String)] = []
    var converted = false
    for (index, field) in orders.enumerated() {
      let order = field.trimmedValue
      let plain = !order.isEmpty && order.allSatisfy { $0.isASCII && $0.isUppercase }
      if index == 0, !headerHasParts, plain, order.allSatisfy({ labelled.contains(String($0)) }) {
        edits.append((field.range.start.offset, 1, "P"))
        converted = true
      } else {
        // The field and the line end after it.
        let end = field.range.end.offset
        let lineEnd = tune.header.lazy.compactMap { element -> Int? in
          if case .lineBreak(let lineBreak) = element, lineBreak.range.start.offset == end {
            return lineBreak.text.utf8.count
          }
          return nil
        }.first ?? 0
        edits.append((field.range.start.offset, end - field.range.start.offset + lineEnd, ""))
      }
    }
    return (edits, converted)
  }

  /// Moves each tie written apart from its note (`d3 -d2`) next to it (`d3- d2`).
  private static func attachedTies(_ tune: ABCTune) -> [(offset: Int, remove: Int, insert: String)] {
    var edits: [(offset: Int, remove: Int, insert: String)] = []
    var previous: BodyElement?
    var beforePrevious: BodyElement?
    for element in tune.body {
      if case .tie(let tie) = element, case .space(let space)? = previous {
        let follows: Bool
        switch beforePrevious {
        case .note?, .chord?: follows = true
        default: follows = false
        }
        if follows {
          let start = space.range.start.offset
          edits.append((start, tie.range.end.offset - start, "-" + space.text))
        }
      }
      beforePrevious = previous
      previous = element
    }
    return edits
  }
}
