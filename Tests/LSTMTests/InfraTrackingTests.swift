import Foundation
import Testing

@testable import LSTM

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite struct InfraTrackingTests {
  // MARK: - CRC-32C

  @Test func crc32cKnownVectors() {
    #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    #expect(CRC32C.checksum([UInt8]()) == 0)
    // RFC 3720 (iSCSI) appendix B.4 test vectors.
    #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
    #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
    #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
    let crc: UInt32 = 0xE306_9283
    #expect(CRC32C.masked(Array("123456789".utf8)) == ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8)
  }

  // MARK: - An independent reader for the tests

  /// Bit-at-a-time CRC-32C, deliberately different from the table-driven implementation under test.
  static func bitwiseCRC32C(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = (crc >> 1) ^ (0x82F6_3B78 & (0 &- (crc & 1))) }
    }
    crc = ~crc
    return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
  }

  struct DecodedEvent: Equatable {
    var wallTime: Double?
    var step: Int64 = 0
    var fileVersion: String?
    var values: [(tag: String, value: Float)] = []

    static func == (a: DecodedEvent, b: DecodedEvent) -> Bool {
      a.wallTime == b.wallTime && a.step == b.step && a.fileVersion == b.fileVersion
        && a.values.map(\.tag) == b.values.map(\.tag) && a.values.map(\.value) == b.values.map(\.value)
    }
  }

  struct ReaderError: Error, CustomStringConvertible { var description: String }

  /// Generic protobuf field walker: `(field, wireType, varint or fixed value, length-delimited payload)`.
  static func fields(_ bytes: ArraySlice<UInt8>) throws -> [(Int, Int, UInt64, ArraySlice<UInt8>)] {
    var i = bytes.startIndex
    func varint() throws -> UInt64 {
      var result: UInt64 = 0
      var shift: UInt64 = 0
      while true {
        guard i < bytes.endIndex, shift < 64 else { throw ReaderError(description: "bad varint") }
        let b = bytes[i]
        i += 1
        result |= UInt64(b & 0x7F) << shift
        if b & 0x80 == 0 { return result }
        shift += 7
      }
    }
    var out: [(Int, Int, UInt64, ArraySlice<UInt8>)] = []
    while i < bytes.endIndex {
      let key = try varint()
      let field = Int(key >> 3)
      let wire = Int(key & 7)
      switch wire {
      case 0: out.append((field, wire, try varint(), []))
      case 1, 5:
        let n = wire == 1 ? 8 : 4
        guard bytes.endIndex - i >= n else { throw ReaderError(description: "truncated fixed field") }
        let v = bytes[i..<(i + n)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        i += n
        out.append((field, wire, v, []))
      case 2:
        let n = Int(try varint())
        guard bytes.endIndex - i >= n else { throw ReaderError(description: "truncated length-delimited field") }
        out.append((field, wire, 0, bytes[i..<(i + n)]))
        i += n
      default: throw ReaderError(description: "unexpected wire type \(wire)")
      }
    }
    return out
  }

  /// Reads a TFRecord file of `tensorflow.Event`s, checking both CRCs of every record.
  static func readEvents(_ path: String) throws -> [DecodedEvent] {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    var i = 0
    func u32(_ at: Int) -> UInt32 { (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << UInt32(8 * $1) } }
    var events: [DecodedEvent] = []
    while i < bytes.count {
      guard bytes.count - i >= 12 else { throw ReaderError(description: "truncated record header at \(i)") }
      let length = Int((0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[i + $1]) << UInt64(8 * $1) })
      guard u32(i + 8) == bitwiseCRC32C(bytes[i..<(i + 8)]) else {
        throw ReaderError(description: "length CRC at \(i)")
      }
      guard bytes.count - i - 12 >= length + 4 else { throw ReaderError(description: "truncated record at \(i)") }
      let data = bytes[(i + 12)..<(i + 12 + length)]
      guard u32(i + 12 + length) == bitwiseCRC32C(data) else { throw ReaderError(description: "data CRC at \(i)") }
      var event = DecodedEvent()
      for (field, wire, value, payload) in try fields(data) {
        switch (field, wire) {
        case (1, 1): event.wallTime = Double(bitPattern: value)
        case (2, 0): event.step = Int64(bitPattern: value)
        case (3, 2): event.fileVersion = String(decoding: payload, as: UTF8.self)
        case (5, 2):
          for (f, w, _, valuePayload) in try fields(payload) where f == 1 && w == 2 {
            var tag = ""
            var simple: Float = .nan
            for (vf, vw, v, p) in try fields(valuePayload) {
              if vf == 1 && vw == 2 { tag = String(decoding: p, as: UTF8.self) }
              if vf == 2 && vw == 5 { simple = Float(bitPattern: UInt32(v)) }
            }
            event.values.append((tag, simple))
          }
        default: throw ReaderError(description: "unexpected Event field \(field)")
        }
      }
      events.append(event)
      i += 12 + length + 4
    }
    return events
  }

  /// A fixed clock: 1_700_000_000.25 + 0.5 s per call.
  static func clock() -> @Sendable () -> Double {
    let counter = Counter()
    return { 1_700_000_000.25 + 0.5 * Double(counter.next()) }
  }

  final class Counter: @unchecked Sendable {
    // Invariant: only used from one test's thread at a time (a tracker is single-owner).
    private var value = 0
    func next() -> Int {
      defer { value += 1 }
      return value
    }
  }

  // MARK: - Event files

  @Test func eventFileDecodesWithAnIndependentReader() throws {
    let directory = try InfraSupport.temporaryDirectory() + "/runs/demo"
    let tracker = try RunTracker(directory: directory, runName: "demo", wallClock: Self.clock())
    try tracker.log(step: 1, scalars: ["train_loss": 4.25, "lr": 0.005])
    try tracker.log(step: 2, scalars: ["train_loss": 3.5])
    try tracker.log(step: 3_000_000_000, scalars: ["val_bpc": 1.625])
    try tracker.log(step: -1, scalars: ["odd": -.infinity])
    tracker.close()

    let path = try #require(tracker.eventFilePath)
    let name = URL(fileURLWithPath: path).lastPathComponent
    #expect(name == "events.out.tfevents.1700000000." + TensorBoardEventWriter.hostname)
    let events = try Self.readEvents(path)
    try #require(events.count == 6)
    #expect(events[0] == DecodedEvent(wallTime: 1_700_000_000.25, step: 0, fileVersion: "brain.Event:2"))
    #expect(events[1] == DecodedEvent(wallTime: 1_700_000_000.75, step: 1, values: [("lr", 0.005)]))
    #expect(events[2] == DecodedEvent(wallTime: 1_700_000_000.75, step: 1, values: [("train_loss", 4.25)]))
    #expect(events[3] == DecodedEvent(wallTime: 1_700_000_001.25, step: 2, values: [("train_loss", 3.5)]))
    #expect(events[4] == DecodedEvent(wallTime: 1_700_000_001.75, step: 3_000_000_000, values: [("val_bpc", 1.625)]))
    #expect(events[5] == DecodedEvent(wallTime: 1_700_000_002.25, step: -1, values: [("odd", -.infinity)]))
  }

  static let pythonEventReader = #"""
    import json, struct, sys

    def crc32c(data):
        crc = 0xFFFFFFFF
        for b in data:
            crc ^= b
            for _ in range(8):
                crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
        crc ^= 0xFFFFFFFF
        return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF

    def varint(b, i):
        r = s = 0
        while True:
            x = b[i]; i += 1
            r |= (x & 0x7F) << s; s += 7
            if not x & 0x80:
                return r, i

    def fields(b):
        i, out = 0, []
        while i < len(b):
            k, i = varint(b, i)
            f, w = k >> 3, k & 7
            if w == 0:
                v, i = varint(b, i); out.append((f, v))
            elif w == 1:
                out.append((f, struct.unpack("<d", b[i:i + 8])[0])); i += 8
            elif w == 5:
                out.append((f, struct.unpack("<f", b[i:i + 4])[0])); i += 4
            elif w == 2:
                n, i = varint(b, i); out.append((f, b[i:i + n])); i += n
        return out

    data = open(sys.argv[1], "rb").read()
    i, events = 0, []
    while i < len(data):
        (n,) = struct.unpack("<Q", data[i:i + 8])
        assert struct.unpack("<I", data[i + 8:i + 12])[0] == crc32c(data[i:i + 8]), "length crc"
        payload = data[i + 12:i + 12 + n]
        assert struct.unpack("<I", data[i + 12 + n:i + 16 + n])[0] == crc32c(payload), "data crc"
        i += 16 + n
        ev = {"step": 0}
        for f, v in fields(payload):
            if f == 1: ev["wall_time"] = v
            elif f == 2: ev["step"] = v - (1 << 64) if v >= 1 << 63 else v
            elif f == 3: ev["file_version"] = v.decode()
            elif f == 5:
                for vf, val in fields(v):
                    d = dict(fields(val))
                    ev.setdefault("values", []).append([d[1].decode(), d[2]])
        events.append(ev)
    print(json.dumps(events))
    try:
        from tensorboard.backend.event_processing import event_accumulator
    except Exception as e:
        print("NO-TENSORBOARD %s" % e)
        sys.exit(0)
    import os
    acc = event_accumulator.EventAccumulator(os.path.dirname(sys.argv[1]))
    acc.Reload()
    print(json.dumps({t: [[s.step, s.value] for s in acc.Scalars(t)] for t in acc.Tags()["scalars"]}))
    """#

  @Test(.timeLimit(.minutes(1)))
  func pythonReadsTheEventFile() throws {
    let tensorBoardPython = ProcessInfo.processInfo.environment["TENSORBOARD_PYTHON"] ?? "/tmp/tbenv/bin/python"
    let python =
      FileManager.default.isExecutableFile(atPath: tensorBoardPython) ? tensorBoardPython : InfraSupport.anyPython
    guard let python else {
      print("skipping python event-file check: no python3 found")
      return
    }
    let directory = try InfraSupport.temporaryDirectory()
    let tracker = try RunTracker(directory: directory, runName: "py", wallClock: Self.clock())
    for step in 1...5 { try tracker.log(step: step * 10, scalars: ["train_loss": 5.0 / Double(step), "val_bpc": 2.5]) }
    tracker.close()
    let (status, out, err) = try InfraSupport.runPython(
      python, script: Self.pythonEventReader,
      arguments: [try #require(tracker.eventFilePath)])
    try #require(status == 0, "python reader failed: \(err)")
    let lines = out.split(separator: "\n").map(String.init)
    guard case .array(let events)? = try? JSONValue.parse(lines[0]) else {
      Issue.record("unreadable output \(out)")
      return
    }
    #expect(events.count == 11)
    #expect(
      events.first
        == .object([
          ("step", .number("0")), ("wall_time", .number("1700000000.25")),
          ("file_version", .string("brain.Event:2")),
        ]))
    #expect(
      events.last
        == .object([
          ("step", .number("50")), ("wall_time", .number("1700000002.75")),
          ("values", .array([.array([.string("val_bpc"), .number("2.5")])])),
        ]))
    if lines.count > 1, lines[1].hasPrefix("NO-TENSORBOARD") {
      print(
        "skipping TensorBoard EventAccumulator check (\(lines[1])); set TENSORBOARD_PYTHON to a python with tensorboard"
      )
    } else if lines.count > 1 {
      // TensorBoard itself loaded the run directory.
      guard case .object(let scalars)? = try? JSONValue.parse(lines[1]) else {
        Issue.record("unreadable TensorBoard output \(lines[1])")
        return
      }
      let byTag = Dictionary(scalars.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
      #expect(byTag["val_bpc"] == .array((1...5).map { .array([.number("\($0 * 10)"), .number("2.5")]) }))
      #expect(byTag["train_loss"].map { if case .array(let a) = $0 { a.count } else { 0 } } == 5)
    }
  }

  // MARK: - metrics.jsonl and resume

  static func lines(_ path: String) throws -> [String] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
  }

  @Test func metricsAreJSONLines() throws {
    let directory = try InfraSupport.temporaryDirectory()
    let tracker = try RunTracker(directory: directory + "/", runName: "m", wallClock: Self.clock())
    try tracker.log(step: 0, scalars: ["train_loss": 4.5, "lr": 1e-5, "grad_norm": .nan])
    try tracker.log(step: 1, scalars: [:])
    #expect(
      try Self.lines(tracker.metricsPath) == [
        #"{"step":0,"wall_time":1700000000.75,"grad_norm":null,"lr":1e-05,"train_loss":4.5}"#,
        #"{"step":1,"wall_time":1700000001.25}"#,
      ])
    #expect(throws: TrackingError.invalidMetricName("step")) { try tracker.log(step: 2, scalars: ["step": 1]) }
    #expect(throws: TrackingError.invalidMetricName("")) { try tracker.log(step: 2, scalars: ["": 1]) }
    tracker.close()
    tracker.close()
    #expect(throws: TrackingError.closed) { try tracker.log(step: 2, scalars: ["x": 1]) }
    // Python's json module accepts every line.
    if let python = InfraSupport.anyPython {
      let (status, out, _) = try InfraSupport.runPython(
        python, script: "import json,sys\nprint(sum(1 for l in open(sys.argv[1]) if json.loads(l)))",
        arguments: [tracker.metricsPath])
      #expect(status == 0)
      #expect(out == "2\n")
    }
  }

  @Test func resumeKeepsEarlierStepsAndDropsLaterOnes() throws {
    let directory = try InfraSupport.temporaryDirectory()
    let first = try RunTracker(directory: directory, runName: "r", wallClock: Self.clock())
    for step in 1...10 { try first.log(step: step, scalars: ["train_loss": Double(step)]) }
    first.close()
    // Simulate a crash in the middle of a write.
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: first.metricsPath))
    handle.seekToEndOfFile()
    handle.write(Data(#"{"step":11,"wall_ti"#.utf8))
    try handle.close()

    let resumed = try RunTracker(
      directory: directory, runName: "r", options: .init(resumeFromStep: 5),
      wallClock: Self.clock())
    #expect(resumed.droppedLines == 1)
    #expect(resumed.history(of: "train_loss").map(\.step) == [1, 2, 3, 4, 5])
    try resumed.log(step: 6, scalars: ["train_loss": 60])
    resumed.close()
    let steps = try Self.lines(resumed.metricsPath).compactMap { RunTracker.parseMetricsLine($0)?.step }
    #expect(steps == [1, 2, 3, 4, 5, 6])
    #expect(resumed.history(of: "train_loss").last?.value == 60)
    let eventFiles = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains("tfevents") }
    #expect(eventFiles.count == 2, "resuming keeps the old event file and starts a new one")
    #expect(Set(eventFiles).count == 2)

    let fresh = try RunTracker(directory: directory, runName: "r", wallClock: Self.clock())
    #expect(fresh.history(of: "train_loss").isEmpty)
    fresh.close()
    #expect(try Self.lines(fresh.metricsPath).isEmpty)
    let remaining = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains("tfevents") }
    #expect(remaining == [URL(fileURLWithPath: try #require(fresh.eventFilePath)).lastPathComponent])
  }

  @Test func optionsCanTurnOutputsOff() throws {
    let directory = try InfraSupport.temporaryDirectory()
    // Leftovers of an earlier run with the same name are cleared by a fresh tracker.
    for stale in ["metrics.jsonl", "loss.svg", "events.out.tfevents.1.old"] {
      try InfraSupport.write("stale", to: directory + "/" + stale)
    }
    let tracker = try RunTracker(
      directory: directory, runName: "quiet",
      options: .init(jsonLines: false, tensorBoard: false))
    try tracker.log(step: 1, scalars: ["train_loss": 1])
    try tracker.writeLossCurveSVG()
    tracker.close()
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["loss.svg"])
    #expect(try String(contentsOfFile: directory + "/loss.svg", encoding: .utf8).contains("quiet: loss"))
    #expect(tracker.eventFilePath == nil)
  }

  @Test func unwritableDirectoryIsAnError() throws {
    let directory = try InfraSupport.temporaryDirectory()
    try InfraSupport.write("not a directory", to: directory + "/file")
    #expect(throws: TrackingError.self) { _ = try RunTracker(directory: directory + "/file/run", runName: "x") }
  }

  // MARK: - Loss curve

  /// Parses SVG text as XML; returns element names in document order, or throws when it is not well-formed.
  static func elements(ofXML text: String) throws -> [String] {
    final class Collector: NSObject, XMLParserDelegate {
      var names: [String] = []
      func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
      ) { names.append(name) }
    }
    let parser = XMLParser(data: Data(text.utf8))
    let collector = Collector()
    parser.delegate = collector
    guard parser.parse() else {
      throw ReaderError(description: "SVG is not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")")
    }
    return collector.names
  }

  @Test func lossCurveIsAWellFormedSelfContainedChart() throws {
    let directory = try InfraSupport.temporaryDirectory()
    let tracker = try RunTracker(directory: directory, runName: "irish <small> & co", wallClock: Self.clock())
    for step in stride(from: 10, through: 2000, by: 10) {
      try tracker.log(step: step, scalars: ["train_loss": 3.0 * exp(-Double(step) / 500) + 1.1])
      if step % 200 == 0 {
        try tracker.log(step: step, scalars: ["val_bpc": step == 1200 ? 1.61 : 1.7 + Double(step) / 1e5])
      }
    }
    try tracker.log(step: 2010, scalars: ["train_loss": .nan])
    try tracker.writeLossCurveSVG()
    tracker.close()
    let svg = try String(contentsOfFile: tracker.lossCurvePath, encoding: .utf8)
    let names = try Self.elements(ofXML: svg)
    #expect(names.first == "svg")
    #expect(names.filter { $0 == "path" }.count == 2, "one line per series")
    #expect(names.filter { $0 == "circle" }.count == 10, "a marker per validation point")
    #expect(svg.contains("irish &lt;small&gt; &amp; co: loss"))
    #expect(svg.contains(">step</text>"))
    #expect(svg.contains(">bits per character</text>"))
    #expect(svg.contains(">train loss</text>"))
    #expect(svg.contains(">validation (best 1.610 at step 1200)</text>"))
    #expect(svg.contains(">2000</text>"), "x tick labels reach the last step")
    #expect(!svg.contains("<script") && !svg.contains("href") && !svg.contains("NaN") && !svg.contains("nan"))
    // Train loss in nats is drawn in bits: the first point, 3·e^(-0.02) + 1.1 nats, is about 5.83 bits; y ticks
    // must cover it.
    #expect(svg.contains(">6.0</text>") || svg.contains(">6</text>"))
  }

  @Test func chartHandlesEmptyFlatAndHugeSeries() throws {
    let empty = LossCurveChart(title: "none", yLabel: "y", series: []).svg()
    #expect(try Self.elements(ofXML: empty).contains("text"))
    #expect(empty.contains("no data"))
    let flat = LossCurveChart(
      title: "flat", yLabel: "y", series: [.init(label: "a", color: "red", points: [(5, 2), (5, 2)])]
    ).svg()
    #expect(try Self.elements(ofXML: flat).contains("path"))
    #expect(!flat.contains("nan") && !flat.contains("inf"))
    let many = (0..<50_000).map { (step: $0, value: sin(Double($0) / 1000)) }
    let big = LossCurveChart(title: "big", yLabel: "y", series: [.init(label: "s", color: "blue", points: many)]).svg()
    #expect(big.utf8.count < 120_000, "long series are reduced to bucket means")
    #expect(LossCurveChart.reduce(many, to: 1000).count == 1000)
  }

  @Test(arguments: [(0.0, 1.0), (1.2, 5.9), (0, 2000), (1.61, 1.62), (-3, 3), (100_000, 250_000)])
  func niceAxesCoverTheDataWithRoundTicks(low: Double, high: Double) {
    let axis = LossCurveChart.niceAxis(min: low, max: high, integral: false)
    #expect(axis.lower <= low && axis.upper >= high)
    #expect(axis.ticks.count >= 3 && axis.ticks.count <= 13)
    let mantissa = axis.step / pow(10, log10(axis.step).rounded(.down))
    #expect([1, 2, 5, 10].contains { abs(mantissa - $0) < 1e-9 })
  }

  @Test func tickLabelsUseTheStepsPrecision() {
    #expect(LossCurveChart.label(1.5, step: 0.5) == "1.5")
    #expect(LossCurveChart.label(1.62, step: 0.02) == "1.62")
    #expect(LossCurveChart.label(2000, step: 500) == "2000")
    #expect(LossCurveChart.label(20000, step: 5000) == "20k")
  }
}
