import Foundation

/// A one-line progress bar on standard error, drawn only when standard error is a terminal
/// (so logs and CI output stay clean). Redraws at most ~10 times a second.
final class ProgressBar {
  private let total: Int?
  private let label: String
  private let enabled: Bool
  private let start = ContinuousClock.now
  private var lastDraw = ContinuousClock.now - .seconds(1)
  private var completed = 0
  private var detail = ""

  /// - Parameters:
  ///   - total: number of work units, or nil when unknown (shows a counter instead of a bar).
  ///   - label: short text in front of the bar.
  ///   - enabled: override terminal detection (tests).
  init(total: Int?, label: String, enabled: Bool = Terminal.isStderrTTY) {
    self.total = total
    self.label = label
    self.enabled = enabled
  }

  /// Records progress and redraws when due. `detail` is free text after the bar (loss, rate, …).
  func update(completed: Int, detail: String = "") {
    self.completed = completed
    self.detail = detail
    guard enabled else { return }
    let now = ContinuousClock.now
    if now - lastDraw < .milliseconds(100) && completed != total { return }
    lastDraw = now
    draw()
  }

  /// Elapsed seconds since the bar was created.
  var elapsedSeconds: Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  }

  /// Draws the final state and moves to a new line.
  func finish(detail: String? = nil) {
    if let detail { self.detail = detail }
    guard enabled else { return }
    draw()
    FileHandle.standardError.write(Data("\n".utf8))
  }

  /// The line that would be drawn (without control characters), for tests and logs.
  func render(width: Int) -> String {
    let elapsed = elapsedSeconds
    var text = label + " "
    if let total, total > 0 {
      let fraction = min(1, Double(completed) / Double(total))
      let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
      let stats = " \(completed)/\(total) \(Self.clock(elapsed))<\(Self.clock(eta)) \(detail)"
      let barWidth = max(10, min(40, width - text.count - stats.count - 3))
      let filled = Int(fraction * Double(barWidth))
      text += "[" + String(repeating: "█", count: filled) + String(repeating: "·", count: barWidth - filled) + "]" + stats
    } else {
      text += "\(completed) \(Self.clock(elapsed)) \(detail)"
    }
    return String(text.prefix(width - 1))
  }

  private func draw() {
    let line = "\r" + render(width: Terminal.columns) + "\u{1B}[K"
    FileHandle.standardError.write(Data(line.utf8))
  }

  /// `m:ss` or `h:mm:ss`.
  static func clock(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "--:--" }
    let s = Int(seconds.rounded())
    return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
  }
}
