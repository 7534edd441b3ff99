import Foundation

/// Records a training run's metrics without any online service: JSON lines, TensorBoard event files and a
/// loss-curve SVG, all in the run's directory.
///
/// Files in `directory` (created if missing):
/// - `metrics.jsonl`: one JSON object per `log` call, `{"step":…,"wall_time":…,"<name>":value,…}` with
///   `wall_time` in Unix seconds, names sorted, NaN and infinities written as `null` (JSON has no spelling for them).
/// - `events.out.tfevents.<unix seconds>.<host>`: one TensorBoard scalar event per logged value, tag = name
///   (`tensorboard --logdir runs/`). A new file per tracker; TensorBoard merges them.
/// - `loss.svg`: written by `writeLossCurveSVG()`, normally once at the end.
///
/// A fresh tracker (no `resumeFromStep`) starts a new history: it replaces `metrics.jsonl` and removes earlier
/// `events.out.tfevents.*` files and `loss.svg` of that directory. A resumed tracker keeps the logged lines with
/// `step <= resumeFromStep` (dropping later ones and any unreadable line, such as one cut short by a crash) and the
/// old event files; the new event file starts with a `SessionLog.START` event at `resumeFromStep + 1`, so
/// TensorBoard discards the old files' steps after the restart point and shows one curve. Not thread-safe: one training loop owns it.
public final class RunTracker {
  /// Standard metric names; the loss chart looks for these.
  public enum Metric {
    /// Mean training cross-entropy per character, in nats (PyTorch's `CrossEntropyLoss`).
    public static let trainLoss = "train_loss"
    /// Training loss in bits per character (used by the chart when `train_loss` is absent).
    public static let trainBitsPerChar = "train_bpc"
    /// Validation bits per character (the baseline's `val_bpc`).
    public static let validationBitsPerChar = "val_bpc"
    public static let learningRate = "lr"
    public static let tokensPerSecond = "tokens_per_s"
    public static let gradientNorm = "grad_norm"
  }

  /// What a tracker writes and where it resumes.
  public struct Options: Sendable {
    /// Append each `log` to `metrics.jsonl`.
    public var jsonLines: Bool
    /// Write TensorBoard events.
    public var tensorBoard: Bool
    /// Continue a run from this step (see the type's documentation); `nil` starts fresh.
    public var resumeFromStep: Int?

    public init(jsonLines: Bool = true, tensorBoard: Bool = true, resumeFromStep: Int? = nil) {
      self.jsonLines = jsonLines
      self.tensorBoard = tensorBoard
      self.resumeFromStep = resumeFromStep
    }
  }

  /// The run's directory.
  public let directory: String
  /// The run's name (chart title).
  public let runName: String
  public let options: Options
  /// `directory/metrics.jsonl`.
  public var metricsPath: String { directory + "/metrics.jsonl" }
  /// `directory/loss.svg`.
  public var lossCurvePath: String { directory + "/loss.svg" }
  /// The TensorBoard event file this tracker writes, if enabled.
  public var eventFilePath: String? { events?.path }
  /// Lines of an existing `metrics.jsonl` dropped on resume because they were unreadable.
  public private(set) var droppedLines = 0

  private let wallClock: @Sendable () -> Double
  private var metricsFD: Int32 = -1
  private var events: TensorBoardEventWriter?
  private var history: [String: [(step: Int, value: Double)]] = [:]
  private var closed = false

  /// Opens (creates) the run directory and its metric files.
  /// - Parameters:
  ///   - directory: the run's own directory, e.g. `runs/irish-small`.
  ///   - runName: shown as the chart title.
  ///   - wallClock: Unix time in seconds; injectable for tests.
  /// - Throws: `TrackingError.io` when the directory or files cannot be created.
  public init(
    directory: String, runName: String, options: Options = Options(),
    wallClock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
  ) throws(TrackingError) {
    self.directory = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    self.runName = runName
    self.options = options
    self.wallClock = wallClock
    do {
      try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
    } catch {
      throw .io(
        FileIOError(
          operation: "create directory", path: self.directory, code: 0,
          reason: error.localizedDescription))
    }
    do {
      try prepareMetricsFile()
      if options.resumeFromStep == nil { try removeOldEventFiles() }
      if options.tensorBoard {
        events = try TensorBoardEventWriter(
          directory: self.directory, wallTime: wallClock(),
          hostname: TensorBoardEventWriter.hostname)
        if let resume = options.resumeFromStep {
          // The purge marker: steps after the resume point logged by the interrupted run are dropped.
          try events?.writeRestart(step: Int64(resume + 1), wallTime: wallClock())
        }
      }
    } catch {
      throw .io(error)
    }
  }

  deinit { close() }

  /// Records scalar metrics for `step`.
  ///
  /// Writes one `metrics.jsonl` line and one TensorBoard event per scalar, and keeps the values for the chart.
  /// - Throws: `TrackingError.invalidMetricName` for an empty name or `step`/`wall_time`, `.closed` after `close()`,
  ///   `.io` when a write fails.
  public func log(step: Int, scalars: [String: Double]) throws(TrackingError) {
    guard !closed else { throw .closed }
    for name in scalars.keys where name.isEmpty || name == "step" || name == "wall_time" {
      throw .invalidMetricName(name)
    }
    let now = wallClock()
    let names = scalars.keys.sorted()
    for name in names { history[name, default: []].append((step, scalars[name] ?? .nan)) }
    do {
      if metricsFD >= 0 {
        var members: [(key: String, value: JSONValue)] = [("step", .integer(step)), ("wall_time", .double(now))]
        for name in names { members.append((name, .double(scalars[name] ?? .nan))) }
        try append(JSONValue.object(members).serialized + "\n")
      }
      if let events {
        for name in names {
          try events.writeScalar(tag: name, value: Float(scalars[name] ?? .nan), step: Int64(step), wallTime: now)
        }
      }
    } catch {
      throw .io(error)
    }
  }

  /// Every `(step, value)` logged for `name`, including those kept from a resumed run, in logging order.
  public func history(of name: String) -> [(step: Int, value: Double)] { history[name] ?? [] }

  /// The names logged so far, sorted.
  public var metricNames: [String] { history.keys.sorted() }

  /// The chart `writeLossCurveSVG()` draws: training loss (`train_loss` converted to bits per character, or
  /// `train_bpc`) and validation bits per character against the step.
  public func lossCurveChart() -> LossCurveChart {
    var series: [LossCurveChart.Series] = []
    if let train = history[Metric.trainLoss], !train.isEmpty {
      series.append(.init(label: "train loss", color: "#1f77b4", points: train.map { ($0.step, $0.value / M_LN2) }))
    } else if let train = history[Metric.trainBitsPerChar], !train.isEmpty {
      series.append(.init(label: "train loss", color: "#1f77b4", points: train))
    }
    if let validation = history[Metric.validationBitsPerChar], !validation.isEmpty {
      series.append(.init(label: "validation", color: "#d62728", points: validation, markers: true, showsMinimum: true))
    }
    return LossCurveChart(title: "\(runName): loss", yLabel: "bits per character", series: series)
  }

  /// Writes `loss.svg` atomically (see `lossCurveChart()`). Works after `close()` too.
  /// - Throws: `TrackingError.io` when the file cannot be written.
  public func writeLossCurveSVG() throws(TrackingError) {
    do {
      try writeFileAtomically(Array(lossCurveChart().svg().utf8), to: lossCurvePath)
    } catch {
      throw .io(error)
    }
  }

  /// Flushes and closes the metric files; `log` fails afterwards. Safe to call more than once.
  public func close() {
    guard !closed else { return }
    closed = true
    if metricsFD >= 0 {
      _ = fsync(metricsFD)
      _ = Foundation.close(metricsFD)
      metricsFD = -1
    }
    events?.close()
  }

  // MARK: - Files

  /// Creates or trims `metrics.jsonl` and opens it for appending.
  private func prepareMetricsFile() throws(FileIOError) {
    let path = metricsPath
    if let resume = options.resumeFromStep, FileManager.default.fileExists(atPath: path) {
      let text = String(decoding: try readWholeFile(at: path), as: UTF8.self)
      var kept = ""
      for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
        guard let (step, values) = RunTracker.parseMetricsLine(String(line)) else {
          droppedLines += 1
          continue
        }
        guard step <= resume else { continue }
        kept += line + "\n"
        for (name, value) in values { history[name, default: []].append((step, value)) }
      }
      if options.jsonLines { try writeFileAtomically(Array(kept.utf8), to: path) }
    } else if options.jsonLines {
      try writeFileAtomically([], to: path)
    } else if unlink(path) != 0 && errno != ENOENT {
      throw .fromErrno("remove old metrics file", path)
    }
    guard options.jsonLines else { return }
    metricsFD = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
    guard metricsFD >= 0 else { throw .fromErrno("open", path) }
  }

  /// Removes `events.out.tfevents.*` files and `loss.svg` left in the directory by an earlier run of the same name.
  private func removeOldEventFiles() throws(FileIOError) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
    for name in names where name.hasPrefix("events.out.tfevents.") || name == "loss.svg" {
      let path = directory + "/" + name
      if unlink(path) != 0 { throw .fromErrno("remove old event file", path) }
    }
  }

  private func append(_ line: String) throws(FileIOError) {
    var failure: FileIOError? = nil
    Array(line.utf8).withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count, let base = raw.baseAddress {
        let n = write(metricsFD, base + offset, raw.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          failure = .fromErrno("write", metricsPath)
          return
        }
        if n == 0 {
          failure = FileIOError(operation: "write", path: metricsPath, code: 0, reason: "no progress (disk full?)")
          return
        }
        offset += n
      }
    }
    if let failure { throw failure }
  }

  /// Parses one `metrics.jsonl` line into its step and numeric values (`null` → NaN); `nil` if malformed.
  static func parseMetricsLine(_ line: String) -> (step: Int, values: [(String, Double)])? {
    guard case .object(let members)? = try? JSONValue.parse(line) else { return nil }
    var step: Int? = nil
    var values: [(String, Double)] = []
    for (key, value) in members {
      switch key {
      case "step":
        guard case .number(let text) = value, let s = Int(text) else { return nil }
        step = s
      case "wall_time":
        continue
      default:
        if case .null = value {
          values.append((key, .nan))
        } else if let d = value.doubleValue {
          values.append((key, d))
        } else {
          return nil
        }
      }
    }
    guard let step else { return nil }
    return (step, values)
  }
}
