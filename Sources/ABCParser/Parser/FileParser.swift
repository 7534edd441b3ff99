/// Splits ABC text into file header, tunes, free text and empty lines, and parses each part (ABC 2.1 §2).
struct FileParser {
  let src: SourceText
  let options: ParseOptions

  init(bytes: UnsafeBufferPointer<UInt8>, options: ParseOptions) {
    self.src = SourceText(bytes: bytes)
    self.options = options
  }

  /// Where a header-like line sits; decides which fields are allowed (ABC 2.1 §3 table).
  enum Context {
    case fileHeader, tuneHeader, body, inline, freeText
  }

  /// - Parameter eachTune: when given, each tune goes there as soon as it is parsed and is not kept in the file.
  func parseFile(eachTune: ((ABCTune) -> Void)? = nil) -> ABCFile {
    var file = ABCFile()
    var strict = options.strict
    var l = 0
    let lineCount = src.lines.count
    var fileState = ParseState(strict: strict, tuneIndex: nil)
    reportInvalidUTF8(into: &fileState)

    // F-01: version line.
    if lineCount > 0, src.bytes.count >= 4, startsWith(line: 0, "%abc") {
      let line = src.lines[0]
      file.versionLine = src.string(line.start, line.next)
      let version = src.string(line.start + 4, line.contentEnd).trimmingABCSpaces()
      if version.hasPrefix("-") {
        let number = version.dropFirst()
        if let v = Double(number), v >= 2.1 { strict = true }
      }
      fileState.strict = strict
      l = 1
    }

    // F-04: file header (a first block with fields or directives that is not a tune).
    if !options.fragment, l < lineCount, !src.isEmpty(l), !src.isReferenceLine(l), isFileHeaderBlock(from: l) {
      var previous: UInt8? = nil
      while l < lineCount, !src.isEmpty(l), !src.isReferenceLine(l) {
        file.header.append(
          contentsOf: headerLine(l, context: .fileHeader, state: &fileState, previousLetter: &previous))
        l += 1
      }
      if l < lineCount, src.isReferenceLine(l) {
        fileState.report(
          .tunesNotSeparated, at: src.location(line: l, offset: src.lines[l].start), length: 2,
          "X: at line \(l + 1) starts a tune right after the file header; add an empty line before it",
          hint: "the file header ends at the first empty line")
      }
    }
    let inherited = file.header.filter { e in
      switch e {
      case .field, .directive: return true
      default: return false
      }
    }

    var tuneIndex = 0
    var lastItemWasTune = false
    if options.fragment {
      var state = fileState
      state.tuneIndex = 0
      state.diagnostics = []
      state.idCounts = [:]
      let (tune, next) = parseTune(from: l, index: 0, state: state, inherited: inherited, fragment: true)
      file.items.append(.tune(tune))
      l = next
      tuneIndex = 1
    }
    while l < lineCount {
      if src.isEmpty(l) {
        let a = l
        while l < lineCount, src.isEmpty(l) { l += 1 }
        let start = src.lines[a].start
        let end = src.lines[l - 1].next
        file.items.append(
          .emptyLines(EmptyLines(text: src.string(start, end), range: range(start, end))))
        continue
      }
      if src.isReferenceLine(l) {
        var state = fileState
        state.tuneIndex = tuneIndex
        state.diagnostics = []
        state.idCounts = [:]
        let (tune, next) =
          tooLargeTune(from: l, index: tuneIndex, state: state, inherited: inherited)
          ?? parseTune(from: l, index: tuneIndex, state: state, inherited: inherited, fragment: false)
        if let eachTune { eachTune(tune) } else { file.items.append(.tune(tune)) }
        tuneIndex += 1
        l = next
        lastItemWasTune = true
        continue
      }
      // Free text up to the next empty line or X: line.
      var elements: [HeaderElement] = []
      var previous: UInt8? = nil
      let first = l
      var textState = ParseState(strict: strict, tuneIndex: nil)
      while l < lineCount, !src.isEmpty(l), !src.isReferenceLine(l) {
        elements.append(contentsOf: headerLine(l, context: .freeText, state: &textState, previousLetter: &previous))
        l += 1
      }
      // Comment and `%%` lines between tunes are file-level text or directives, also right before an `X:` line.
      let onlyComments = (first..<l).allSatisfy { src.isCommentLine($0) }
      if (first..<l).contains(where: { src.fieldLetter($0) == UInt8(ascii: "K") }), src.fieldLetter(first) != nil {
        fileState.report(
          .missingReferenceNumber, at: src.location(line: first, offset: src.lines[first].start), length: 1,
          "this block has a K: line but no X: line, so it is not read as a tune",
          hint: "start the tune with X:1")
      } else if lastItemWasTune, !onlyComments, src.looksLikeMusic(first) {
        fileState.diagnostics.append(
          Diagnostic(
            id: .blankLineInTune, severity: DiagnosticID.blankLineInTune.severity(strict: strict),
            location: src.location(line: first, offset: src.lines[first].start), length: 1,
            message: "this music follows an empty line, which ended tune \(tuneIndex) (ABC 2.1); it is ignored",
            hint: "remove the empty line to keep the music in the tune", tuneIndex: tuneIndex - 1))
      }
      if l < lineCount, src.isReferenceLine(l), !onlyComments {
        fileState.report(
          .tunesNotSeparated, at: src.location(line: l, offset: src.lines[l].start), length: 2,
          "X: at line \(l + 1) starts a new tune; add an empty line before it")
      }
      file.items.append(.freeText(elements))
      lastItemWasTune = false
    }
    if tuneIndex == 0 {
      fileState.report(
        .noTune, at: .start, length: 0, "no tune found: a tune must begin with an X: line",
        hint: "start each tune with X:<number>, then T:<title>, …, K:<key>")
    }
    file.diagnostics = fileState.diagnostics
    return file
  }

  /// A tune over `options.maxTuneBytes` (measured from its `X:` line to the next empty line or `X:` line): only
  /// its `X:` line is kept, with an `abc.tune.too-large` error; nil for a tune within the limit.
  func tooLargeTune(from first: Int, index: Int, state initial: ParseState, inherited: [HeaderElement])
    -> (ABCTune, Int)?
  {
    guard let limit = options.maxTuneBytes else { return nil }
    let lineCount = src.lines.count
    var end = first + 1
    while end < lineCount, !src.isEmpty(end), !src.isReferenceLine(end) { end += 1 }
    let size = src.lines[end - 1].next - src.lines[first].start
    guard size > limit else { return nil }
    var state = initial
    var tune = ABCTune(index: index, fileHeader: inherited)
    let x = FieldParser.parseLine(
      src: src, line: first, letter: UInt8(ascii: "X"), context: .tuneHeader, previous: nil, state: &state)
    tune.header.append(.field(x))
    state.report(
      .tuneTooLarge, at: src.location(line: first, offset: src.lines[first].start), length: 2,
      "this tune is \(size) bytes, more than the limit of \(limit) bytes (\(limit >> 20) MiB); it is not read",
      hint: "split it into several tunes, or check for a runaway line")
    tune.range = range(src.lines[first].start, src.lines[end - 1].next)
    tune.diagnostics = state.diagnostics
    return (tune, end)
  }

  // MARK: - Helpers

  func range(_ a: Int, _ b: Int) -> SourceRange {
    SourceRange(start: src.location(offset: a), end: src.location(offset: b))
  }

  func startsWith(line l: Int, _ prefix: String) -> Bool {
    let line = src.lines[l]
    var i = line.start
    for u in prefix.utf8 {
      guard i < line.contentEnd, src.bytes[i] == u else { return false }
      i += 1
    }
    return true
  }

  /// A first block is a file header when it holds at least one field or `%%` directive line.
  func isFileHeaderBlock(from l: Int) -> Bool {
    var k = l
    var found = false
    var sawKey = false
    while k < src.lines.count, !src.isEmpty(k), !src.isReferenceLine(k) {
      if src.fieldLetter(k) == UInt8(ascii: "K") { sawKey = true }
      if src.fieldLetter(k) != nil || src.isDirectiveLine(k) {
        found = true
      } else if sawKey, !src.isCommentLine(k), src.looksLikeMusic(k) {
        return false  // K: followed by music: a tune without X:, not a file header
      }
      k += 1
    }
    return found
  }

  /// Reports lines that are not valid UTF-8 (ABC042), at most a few per file.
  func reportInvalidUTF8(into state: inout ParseState) {
    let b = src.bytes
    var i = 0
    let n = b.count
    var reported = 0
    while i < n {
      let c = b[i]
      if c < 0x80 {
        i += 1
        continue
      }
      var len = 0
      if c & 0xE0 == 0xC0, c >= 0xC2 {
        len = 2
      } else if c & 0xF0 == 0xE0 {
        len = 3
      } else if c & 0xF8 == 0xF0, c <= 0xF4 {
        len = 4
      }
      var ok = len > 0 && i + len <= n
      if ok {
        for k in 1..<len where b[i + k] & 0xC0 != 0x80 { ok = false }
      }
      if ok, len == 3 {
        let c1 = b[i + 1]
        if (c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) { ok = false }
      }
      if ok, len == 4 {
        let c1 = b[i + 1]
        if (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90) { ok = false }
      }
      if ok {
        i += len
        continue
      }
      if reported < 5 {
        let loc = src.location(offset: i)
        state.report(
          .invalidEncoding, at: loc, length: 1,
          "line \(loc.line) is not valid UTF-8 (byte 0x\(String(c, radix: 16, uppercase: true)))",
          hint: "convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)")
      }
      reported += 1
      i += 1
    }
  }

  /// The line break element of line `l` (nil at end of file without a final newline).
  func lineBreak(_ l: Int) -> LineBreak? {
    let line = src.lines[l]
    guard line.next > line.contentEnd else { return nil }
    return LineBreak(text: src.string(line.contentEnd, line.next), range: range(line.contentEnd, line.next))
  }

  /// Parses one header-like line (file header, tune header, free text) into elements, line break included.
  func headerLine(_ l: Int, context: Context, state: inout ParseState, previousLetter: inout UInt8?) -> [HeaderElement]
  {
    let line = src.lines[l]
    var out: [HeaderElement] = []
    if src.isDirectiveLine(l) {
      let d = DirectiveParser.parseLine(src: src, line: l, state: &state)
      out.append(.directive(d))
    } else if let letter = src.fieldLetter(l), context != .freeText {
      let f = FieldParser.parseLine(
        src: src, line: l, letter: letter, context: context, previous: previousLetter, state: &state)
      if letter != UInt8(ascii: "+") { previousLetter = letter }
      out.append(.field(f))
    } else if src.isCommentLine(l) {
      var i = line.start
      while i < line.contentEnd, ByteClass.isSpace(src.bytes[i]) { i += 1 }
      if i > line.start { out.append(.space(Space(text: src.string(line.start, i), range: range(line.start, i)))) }
      out.append(.comment(Comment(text: src.string(i, line.contentEnd), range: range(i, line.contentEnd))))
    } else {
      out.append(
        .text(TextLine(text: src.string(line.start, line.contentEnd), range: range(line.start, line.contentEnd))))
      if context == .tuneHeader {
        state.report(
          .textInHeader, at: src.location(line: l, offset: line.start), length: line.contentEnd - line.start,
          "this line in the tune header is neither a field nor a comment; ignored",
          hint: "header lines look like T:Title; music starts after the K: line")
      } else if context == .fileHeader {
        state.report(
          .textInHeader, at: src.location(line: l, offset: line.start), length: line.contentEnd - line.start,
          "this line in the file header is neither a field nor a comment; ignored",
          hint: "separate free text from the file header with an empty line")
      }
    }
    if let lb = lineBreak(l) { out.append(.lineBreak(lb)) }
    return out
  }

  /// Parses one tune starting at its `X:` line (or, for a fragment, at any line). Returns the tune and the index of
  /// the first line after it.
  func parseTune(from first: Int, index: Int, state initial: ParseState, inherited: [HeaderElement], fragment: Bool)
    -> (ABCTune, Int)
  {
    var state = initial
    var tune = ABCTune(index: index, fileHeader: inherited)
    var l = first
    let lineCount = src.lines.count
    var previous: UInt8? = nil
    var inBody = fragment
    var sawKey = false
    var sawTitle = false
    var headerFieldCount = 0

    // MARK: header
    while !inBody, l < lineCount {
      if src.isEmpty(l) { break }
      if l > first, src.isReferenceLine(l) {
        state.report(
          .tunesNotSeparated, at: src.location(line: l, offset: src.lines[l].start), length: 2,
          "X: at line \(l + 1) starts a new tune; add an empty line before it",
          hint: "tunes are separated by empty lines")
        break
      }
      if let letter = src.fieldLetter(l), letter != UInt8(ascii: "X") || l == first {
        let f = FieldParser.parseLine(
          src: src, line: l, letter: letter, context: .tuneHeader, previous: previous, state: &state)
        if letter != UInt8(ascii: "+") {
          previous = letter
          headerFieldCount += 1
          if letter == UInt8(ascii: "T") {
            if !sawTitle && headerFieldCount != 2 {
              state.report(
                .missingTitle, at: f.location, length: 2, "T: (title) should follow X: directly",
                hint: "move the T: line right after the X: line")
            }
            sawTitle = true
          }
        }
        tune.header.append(.field(f))
        if let lb = lineBreak(l) { tune.header.append(.lineBreak(lb)) }
        l += 1
        if letter == UInt8(ascii: "K") {
          sawKey = true
          inBody = true
        }
        continue
      }
      if !src.isDirectiveLine(l), !src.isCommentLine(l), src.looksLikeMusic(l, extraLetters: Set(state.shorthands.keys))
      {
        // Music before K: (abc2midi: "No valid K: field found at start of tune"). Read it as body with no key.
        inBody = true
        break
      }
      tune.header.append(contentsOf: headerLine(l, context: .tuneHeader, state: &state, previousLetter: &previous))
      l += 1
    }
    let headerEnd = l
    if !fragment {
      if !sawTitle {
        state.report(
          .missingTitle, at: src.location(line: first, offset: src.lines[first].start), length: 2,
          "tune has no T: (title) line", hint: "add T:<title> right after the X: line")
      }
      if !sawKey {
        let x = tune.referenceNumber.map { "X:\($0)" } ?? "tune \(index + 1)"
        state.report(
          .missingKey, at: src.location(line: first, offset: src.lines[first].start), length: 2,
          "\(x) has no K: line; the header never ends"
            + (inBody ? " (music starts without it)" : ", so there is no music"),
          hint: "end the header with a K: line, e.g. K:C")
      }
    }
    if let m = meterInForce(tune) { state.setMeter(m, allVoices: true) }

    // MARK: body
    if inBody, l < lineCount {
      // Roughly one element per three bytes of music; avoids repeated regrowth of large bodies.
      var end = l
      while end < lineCount, end - l < 4096, !src.isEmpty(end) { end += 1 }
      if end > l { tune.body.reserveCapacity((src.lines[end - 1].next - src.lines[l].start) / 3 + 16) }
    }
    var bodyStarted = false  // a non-trivia line has been seen in the body
    var inTextBlock = false
    var lastLineContinued = false
    while inBody, l < lineCount {
      if src.isEmpty(l) {
        // An empty line ends the tune, unless it directly follows the header and music follows (pop corpus).
        if !bodyStarted, options.blankLinesAfterHeader == .continueIfMusicFollows, !fragment {
          var k = l
          while k < lineCount, src.isEmpty(k) { k += 1 }
          if k < lineCount, !src.isReferenceLine(k), src.looksLikeMusic(k, extraLetters: Set(state.shorthands.keys)) {
            state.report(
              .blankLineInTune, at: src.location(line: l, offset: src.lines[l].start), length: 0,
              "empty line after the K: line would end the tune (ABC 2.1, abc2midi); reading on, as the music follows",
              hint: "remove the empty line between the header and the music")
            while l < k {
              let line = src.lines[l]
              if line.contentEnd > line.start {
                tune.body.append(
                  .space(
                    Space(text: src.string(line.start, line.contentEnd), range: range(line.start, line.contentEnd))))
              }
              if let lb = lineBreak(l) { tune.body.append(.lineBreak(lb)) }
              l += 1
            }
            continue
          }
        }
        if lastLineContinued {
          state.report(
            .continuationBeforeBlank, at: src.location(line: l, offset: src.lines[l].start), length: 0,
            "a \\ continuation is followed by an empty line, which ends the tune",
            hint: "remove the trailing \\ or the empty line")
        }
        break
      }
      if src.isReferenceLine(l), !fragment || l > first {
        state.report(
          .tunesNotSeparated, at: src.location(line: l, offset: src.lines[l].start), length: 2,
          "X: at line \(l + 1) starts a new tune; add an empty line before it",
          hint: "tunes are separated by empty lines")
        break
      }
      let before = tune.body.count
      if inTextBlock {
        // Typeset text between %%begintext and %%endtext (F-12): kept as comment-like text, never music.
        let line = src.lines[l]
        if src.isDirectiveLine(l), src.string(line.start, line.contentEnd).hasPrefix("%%endtext") {
          inTextBlock = false
          tune.body.append(.directive(DirectiveParser.parseLine(src: src, line: l, state: &state)))
        } else if line.contentEnd > line.start {
          tune.body.append(
            .comment(Comment(text: src.string(line.start, line.contentEnd), range: range(line.start, line.contentEnd))))
        }
        if let lb = lineBreak(l) { tune.body.append(.lineBreak(lb)) }
      } else if src.isDirectiveLine(l) {
        let d = DirectiveParser.parseLine(src: src, line: l, state: &state)
        if d.name == "begintext" { inTextBlock = true }
        tune.body.append(.directive(d))
        if let lb = lineBreak(l) { tune.body.append(.lineBreak(lb)) }
      } else if let letter = src.fieldLetter(l),
        FieldParser.isBodyFieldLetter(letter) || FieldParser.isFieldLineInBody(src: src, line: l)
      {
        FieldParser.parseBodyLine(
          src: src, line: l, letter: letter, previous: previous, state: &state, into: &tune.body)
        if letter != UInt8(ascii: "+") { previous = letter }
        if let lb = lineBreak(l) { tune.body.append(.lineBreak(lb)) }
        bodyStarted = true
      } else {
        let line = src.lines[l]
        var parser = MusicLineParser(src: src, lineIndex: l, start: line.start, end: line.contentEnd)
        parser.parse(into: &tune.body, state: &state)
        if let lb = lineBreak(l) { tune.body.append(.lineBreak(lb)) }
        if !src.isCommentLine(l) { bodyStarted = true }
      }
      lastLineContinued = false
      var k = tune.body.count - 1
      while k >= before {
        switch tune.body[k] {
        case .continuation: lastLineContinued = true
        case .space, .comment, .lineBreak:
          k -= 1
          continue
        default: break
        }
        break
      }
      l += 1
    }

    let start = src.lines.isEmpty ? 0 : src.lines[min(first, lineCount - 1)].start
    let endOffset = l > first ? src.lines[l - 1].next : start
    tune.range = range(start, endOffset)
    if !fragment, sawKey, !tune.hasMusic, headerEnd <= lineCount {
      state.report(
        .noBody, at: tune.range.start, length: 0,
        "tune \(tune.referenceNumber.map { "X:\($0)" } ?? "\(index + 1)") has no music (allowed)")
    }
    tune.diagnostics = state.diagnostics
    return (tune, l)
  }

  /// The meter at the start of the body (tune header, else file header).
  func meterInForce(_ tune: ABCTune) -> Meter? { tune.meter }
}
